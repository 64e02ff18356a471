package io.microlink.wireguard.session;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The per-peer timers of whitepaper §6 as deadlines on the engine's clock, modelled on
 * wireguard-go's timers.go: events arm or cancel them, {@link #fire} runs the expired ones.
 * Accessed only under the peer's lock.
 */
final class PeerTimers {
    private static final long OFF = Long.MAX_VALUE;

    private final Peer peer;
    private final TimerSettings settings;
    private long retransmitHandshake = OFF;
    private long sendKeepalive = OFF;
    private long newHandshake = OFF;
    private long zeroKeyMaterial = OFF;
    private long persistentKeepalive = OFF;
    private boolean needAnotherKeepalive;
    private long unknownSessionHandshake = OFF;
    int handshakeAttempts;

    PeerTimers(Peer peer, TimerSettings settings) {
        this.peer = peer;
        this.settings = settings;
    }

    private long jitter() {
        return ThreadLocalRandom.current().nextLong(settings.rekeyTimeoutJitter().toNanos());
    }

    /** We sent a data packet: expect an answer within keepalive + rekey timeout, or rehandshake. */
    void dataSent(long now) {
        if (newHandshake == OFF) {
            newHandshake = now + settings.keepaliveTimeout().toNanos() + settings.rekeyTimeout().toNanos() + jitter();
        }
    }

    /** We received data: answer with a keepalive if we send nothing ourselves meanwhile. */
    void dataReceived(long now) {
        if (sendKeepalive == OFF) {
            sendKeepalive = now + settings.keepaliveTimeout().toNanos();
        } else {
            needAnotherKeepalive = true;
        }
    }

    void anyAuthenticatedPacketSent() {
        sendKeepalive = OFF;
    }

    void anyAuthenticatedPacketReceived() {
        newHandshake = OFF;
    }

    void anyAuthenticatedPacketTraversal(long now) {
        int interval = peer.persistentKeepaliveSeconds();
        if (interval > 0) {
            persistentKeepalive = now + interval * 1_000_000_000L;
        }
    }

    void handshakeInitiated(long now) {
        retransmitHandshake = now + settings.rekeyTimeout().toNanos() + jitter();
    }

    void handshakeComplete() {
        retransmitHandshake = OFF;
        handshakeAttempts = 0;
    }

    void sessionDerived(long now) {
        zeroKeyMaterial = now + 3 * settings.rejectAfterTime().toNanos();
    }

    /** Whether data for a session we lack may start a handshake now: once per {@code interval}. */
    boolean mayHandshakeForUnknownSession(long now, long interval) {
        if (unknownSessionHandshake != OFF && now - unknownSessionHandshake < interval) {
            return false;
        }
        unknownSessionHandshake = now;
        return true;
    }

    /** Arms persistent keepalive at once, as a fresh configuration with one asks. */
    void startPersistentKeepalive(long now) {
        if (peer.persistentKeepaliveSeconds() > 0) {
            persistentKeepalive = now;
        }
    }

    void stopAll() {
        retransmitHandshake = sendKeepalive = newHandshake = zeroKeyMaterial = persistentKeepalive = OFF;
        needAnotherKeepalive = false;
    }

    /** Runs every expired timer. */
    void fire(long now, Network net) {
        if (now - retransmitHandshake >= 0 && retransmitHandshake != OFF) {
            retransmitHandshake = OFF;
            // As wireguard-go: RekeyAttemptTime / RekeyTimeout + 1 retries after the first initiation.
            if (handshakeAttempts > settings.maxHandshakeAttempts()) {
                // Give up: forget queued packets, and the keys in a while if nothing changes.
                peer.dropStaged();
                if (zeroKeyMaterial == OFF) {
                    zeroKeyMaterial = now + 3 * settings.rejectAfterTime().toNanos();
                }
            } else {
                handshakeAttempts++;
                peer.initiateHandshake(true, net);
            }
        }
        if (now - sendKeepalive >= 0 && sendKeepalive != OFF) {
            sendKeepalive = OFF;
            peer.sendKeepalive(net);
            if (needAnotherKeepalive) {
                needAnotherKeepalive = false;
                sendKeepalive = now + settings.keepaliveTimeout().toNanos();
            }
        }
        if (now - newHandshake >= 0 && newHandshake != OFF) {
            newHandshake = OFF;
            peer.initiateHandshake(false, net);
        }
        if (now - zeroKeyMaterial >= 0 && zeroKeyMaterial != OFF) {
            zeroKeyMaterial = OFF;
            peer.dropSessions();
        }
        if (now - persistentKeepalive >= 0 && persistentKeepalive != OFF) {
            persistentKeepalive = OFF;
            peer.sendKeepalive(net);
        }
    }
}
