package io.microlink.wireguard.session;

import io.microlink.netstack.DroppedInput;
import io.microlink.wireguard.noise.Bytes;
import io.microlink.wireguard.noise.Protocol;
import io.microlink.wireguard.routing.InnerHeader;

/**
 * Dispatches incoming datagrams by type and decrypts transport data: replay check before
 * decryption, authentication, roaming, then cryptokey routing of the inner source address.
 */
final class Inbound {
    private static final System.Logger LOG = System.getLogger(Inbound.class.getName());

    private final Engine engine;
    private final Handshakes handshakes;
    private final DroppedInput drops = new DroppedInput(LOG, "WireGuard datagram");

    Inbound(Engine engine, Handshakes handshakes) {
        this.engine = engine;
        this.handshakes = handshakes;
    }

    /** @param sender the peer the runtime vouches sent this, or null */
    void receive(byte[] buf, int off, int len, Endpoint from, Network net, Peer sender) {
        try {
            dispatch(buf, off, len, from, net, sender);
        } catch (RuntimeException e) {
            // A bug, not a bad packet: bad packets are all counted by reason. Still never propagate,
            // and never log per datagram: a sender that triggers it could flood the log.
            engine.counters.add(Counters.Event.DROPPED_MALFORMED);
            drops.record(e);
        }
    }

    private void dispatch(byte[] buf, int off, int len, Endpoint from, Network net, Peer sender) {
        int type = Protocol.messageType(buf, off, len);
        int expected = switch (type) {
            case Protocol.TYPE_INITIATION -> Protocol.INITIATION_SIZE;
            case Protocol.TYPE_RESPONSE -> Protocol.RESPONSE_SIZE;
            case Protocol.TYPE_COOKIE_REPLY -> Protocol.COOKIE_REPLY_SIZE;
            case Protocol.TYPE_TRANSPORT -> len >= Protocol.TRANSPORT_MIN_SIZE ? len : -1;
            case -1 -> -1;
            default -> -2;
        };
        if (expected == -2) {
            engine.counters.add(Counters.Event.DROPPED_UNKNOWN_TYPE);
            return;
        }
        if (expected != len) {
            engine.counters.add(Counters.Event.DROPPED_MALFORMED);
            return;
        }
        switch (type) {
            case Protocol.TYPE_INITIATION -> handshakes.onInitiation(buf, off, len, from, net);
            case Protocol.TYPE_RESPONSE -> handshakes.onResponse(buf, off, len, from, net);
            case Protocol.TYPE_COOKIE_REPLY -> handshakes.onCookieReply(buf, off);
            default -> transport(buf, off, len, from, net, sender);
        }
    }

    private void transport(byte[] buf, int off, int len, Endpoint from, Network net, Peer sender) {
        IndexTable.Entry entry = engine.indices.lookup(Bytes.getInt(buf, off + Protocol.TRANSPORT_RECEIVER));
        Keypair kp = entry == null ? null : entry.keypair();
        if (kp == null) {
            engine.counters.add(Counters.Event.DROPPED_UNKNOWN_INDEX);
            if (sender != null) {
                sender.unknownSession(net);
            }
            return;
        }
        long counter = Bytes.getLong(buf, off + Protocol.TRANSPORT_COUNTER);
        TimerSettings t = engine.settings.timers();
        long now = engine.clock.nanoTime();
        if (now - kp.createdNanos >= t.rejectAfterTime().toNanos()
                || Long.compareUnsigned(counter, t.rejectAfterMessages()) >= 0) {
            engine.counters.add(Counters.Event.DROPPED_EXPIRED_KEY);
            return;
        }
        if (!kp.replay.mayAccept(counter)) {
            engine.counters.add(Counters.Event.DROPPED_REPLAY);
            return;
        }
        int dataOff = off + Protocol.TRANSPORT_HEADER_SIZE;
        int n = kp.open(counter, buf, dataOff, len - Protocol.TRANSPORT_HEADER_SIZE);
        if (n < 0) {
            engine.counters.add(Counters.Event.DROPPED_AUTH_FAILED);
            return;
        }
        if (!kp.replay.accept(counter)) {
            engine.counters.add(Counters.Event.DROPPED_REPLAY);
            return;
        }
        Peer peer = kp.peer;
        peer.setEndpoint(from);
        peer.countRx(len);
        peer.receivedWith(kp, net);
        if (n == 0) {
            engine.counters.add(Counters.Event.KEEPALIVES_RECEIVED);
            peer.authenticatedReceive(kp, 0, net);
            return;
        }
        int ipLen = InnerHeader.declaredLength(buf, dataOff, n);
        if (ipLen < 0) {
            engine.counters.add(Counters.Event.DROPPED_MALFORMED);
            return;
        }
        if (engine.allowedIps().lookup(buf, InnerHeader.sourceOffset(buf, dataOff), InnerHeader.addressLength(buf, dataOff)) != peer) {
            engine.counters.add(Counters.Event.DROPPED_SOURCE_NOT_ALLOWED);
            return;
        }
        peer.authenticatedReceive(kp, n, net);
        net.deliver(buf, dataOff, ipLen);
    }
}
