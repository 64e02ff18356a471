package io.microlink.wireguard.session;

import io.microlink.crypto.X25519;
import io.microlink.wireguard.noise.Bytes;
import io.microlink.wireguard.noise.Handshake;
import io.microlink.wireguard.noise.InitiationOpening;
import io.microlink.wireguard.noise.SessionKeys;

/**
 * Incoming handshake messages: the mac1/cookie gate (whitepaper §5.3), initiations (we respond),
 * responses (our initiation completes) and cookie replies.
 */
final class Handshakes {
    /** wireguard-go's HandshakeInitationRate: one initiation per peer per 20 ms at most. */
    private static final long MIN_INITIATION_INTERVAL_NANOS = 20_000_000L;
    private static final System.Logger LOG = System.getLogger(Handshakes.class.getName());

    private final Engine engine;

    Handshakes(Engine engine) {
        this.engine = engine;
    }

    /**
     * The DoS gate for initiations and responses. Returns true if the message may be processed;
     * otherwise it was dropped or answered with a cookie reply.
     */
    private boolean admit(byte[] buf, int off, int len, Endpoint from, Network net) {
        if (!engine.cookieChecker.checkMac1(buf, off, len)) {
            engine.counters.add(Counters.Event.DROPPED_INVALID_MAC1);
            return false;
        }
        long now = engine.clock.nanoTime();
        if (!engine.load.record(now)) {
            return true;
        }
        byte[] source = from.cookieBytes();
        if (!engine.cookieChecker.checkMac2(buf, off, len, source, now)) {
            byte[] reply = engine.cookieChecker.createReply(buf, off, len, source, now);
            net.send(from, reply, 0, reply.length);
            engine.counters.add(Counters.Event.COOKIE_REPLIES_SENT);
            return false;
        }
        if (!engine.rateLimiter.allow(from.rateLimitKey(), now)) {
            engine.counters.add(Counters.Event.DROPPED_RATE_LIMITED);
            return false;
        }
        return true;
    }

    void onInitiation(byte[] buf, int off, int len, Endpoint from, Network net) {
        if (!admit(buf, off, len, from, net)) {
            return;
        }
        InitiationOpening opening = InitiationOpening.open(engine.identity, buf, off);
        if (opening == null) {
            engine.counters.add(Counters.Event.DROPPED_HANDSHAKE_FAILED);
            return;
        }
        Peer peer = engine.peerByKey(opening.remoteStatic());
        if (peer == null) {
            peer = engine.peerSource.forKey(opening.remoteStatic());
        }
        if (peer == null) {
            engine.counters.add(Counters.Event.DROPPED_UNKNOWN_PEER);
            return;
        }
        long now = engine.clock.nanoTime();
        synchronized (peer) {
            if (peer.consumedInitiation && now - peer.lastConsumedInitiationNanos < MIN_INITIATION_INTERVAL_NANOS) {
                engine.counters.add(Counters.Event.DROPPED_INITIATION_FLOOD);
                return;
            }
            Handshake hs = peer.handshake();
            int staleIndex = hs.state() == Handshake.State.NONE ? 0 : hs.localIndex();
            boolean hadStale = hs.state() != Handshake.State.NONE;
            if (!hs.consumeInitiation(opening, buf, off)) {
                engine.counters.add(Counters.Event.DROPPED_INITIATION_REPLAY);
                return;
            }
            if (hadStale) {
                engine.indices.remove(staleIndex);
            }
            peer.consumedInitiation = true;
            peer.lastConsumedInitiationNanos = now;
            int index = engine.indices.newHandshakeIndex(peer);
            byte[] response = hs.createResponse(index, X25519.generatePrivateKey());
            if (response == null) {
                engine.indices.remove(index);
                hs.clear();
                engine.counters.add(Counters.Event.DROPPED_HANDSHAKE_FAILED);
                return;
            }
            peer.cookies().addMacs(response, now);
            SessionKeys keys = hs.deriveKeys();
            peer.installResponderKeys(keys);
            peer.setEndpoint(from);
            PeerTimers timers = peer.timers();
            timers.anyAuthenticatedPacketReceived();
            timers.anyAuthenticatedPacketTraversal(now);
            timers.anyAuthenticatedPacketSent();
            // Without roaming the peer is answered where it is configured to be, not at the
            // datagram's source, which anyone may forge (and a runtime may name by another peer).
            Endpoint to = engine.settings.roaming() || peer.endpoint() == null ? from : peer.endpoint();
            net.send(to, response, 0, response.length);
        }
        LOG.log(System.Logger.Level.DEBUG, "answered handshake from {0} at {1}", peer, from);
        engine.sessionStarted(peer);
    }

    void onResponse(byte[] buf, int off, int len, Endpoint from, Network net) {
        if (!admit(buf, off, len, from, net)) {
            return;
        }
        int receiver = Bytes.getInt(buf, off + 8);
        IndexTable.Entry entry = engine.indices.lookup(receiver);
        if (entry == null || entry.keypair() != null) {
            engine.counters.add(Counters.Event.DROPPED_UNKNOWN_INDEX);
            return;
        }
        Peer peer = entry.peer();
        synchronized (peer) {
            Handshake hs = peer.handshake();
            if (hs.localIndex() != receiver || !hs.consumeResponse(buf, off)) {
                engine.counters.add(Counters.Event.DROPPED_HANDSHAKE_FAILED);
                return;
            }
            peer.setEndpoint(from);
            PeerTimers timers = peer.timers();
            timers.anyAuthenticatedPacketReceived();
            timers.anyAuthenticatedPacketTraversal(engine.clock.nanoTime());
            peer.installInitiatorKeys(hs.deriveKeys(), net);
        }
        LOG.log(System.Logger.Level.DEBUG, "handshake with {0} complete", peer);
        engine.sessionStarted(peer);
    }

    void onCookieReply(byte[] buf, int off) {
        IndexTable.Entry entry = engine.indices.lookup(Bytes.getInt(buf, off + 4));
        if (entry == null) {
            engine.counters.add(Counters.Event.DROPPED_UNKNOWN_INDEX);
            return;
        }
        Peer peer = entry.peer();
        boolean ok;
        synchronized (peer) {
            ok = peer.cookies().consumeReply(buf, off, engine.clock.nanoTime());
        }
        engine.counters.add(ok ? Counters.Event.COOKIES_RECEIVED : Counters.Event.DROPPED_INVALID_COOKIE);
    }
}
