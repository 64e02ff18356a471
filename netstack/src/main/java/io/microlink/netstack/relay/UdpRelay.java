package io.microlink.netstack.relay;

import io.microlink.netstack.EventCounters;
import io.microlink.netstack.ip.IpPacket;
import io.microlink.netstack.socket.Netstack;
import io.microlink.netstack.udp.UdpDatagram;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * UDP to foreign addresses: each (source address and port, destination address and port) gets
 * a socket of its own from the {@link RelayTarget}; datagrams go on whole both ways, replies come
 * back from the destination only. A flow idle for {@link RelayLimits#udpIdle} is closed
 * ({@link #expireIdle}); past its owner's or the total limit a new flow's datagrams are dropped
 * and counted until one ends.
 *
 * <p>Datagrams may arrive on several threads at once (UDP and DERP each deliver their own). A
 * flow enters the table before its socket is opened, so the thread that put it there is the
 * only one that opens one; a datagram of the same flow that arrives meanwhile waits in the flow
 * ({@link #EARLY_DATAGRAMS} at most, the rest dropped) rather than blocking its receive loop
 * until the socket is open.
 */
final class UdpRelay implements Netstack.UdpService, AutoCloseable {
    /** Datagrams a flow keeps while its socket opens: a burst's worth, and never more. */
    static final int EARLY_DATAGRAMS = 8;

    private record FlowKey(InetAddress source, int sourcePort, InetAddress destination, int destinationPort) {}

    private final class Flow implements Closeable {
        final FlowKey key;
        volatile long lastUsedNanos = System.nanoTime();
        /** Set once, when the socket is open; null before, and for a flow closed before it opened. */
        private volatile RelayTarget.Datagrams socket;
        /** Guarded by {@code this}: datagrams that came while the socket opened; null once open or closed. */
        private List<byte[]> early = new ArrayList<>();
        /** Guarded by {@code this}. */
        private boolean closed;

        Flow(FlowKey key) {
            this.key = key;
        }

        void send(byte[] payload) {
            RelayTarget.Datagrams s = socket;
            if (s == null) {
                synchronized (this) {
                    s = socket;
                    if (s == null) {
                        if (early == null || early.size() >= EARLY_DATAGRAMS) {
                            counters.add(RelayEvent.UDP_SEND_FAILED);
                        } else {
                            early.add(payload);
                        }
                        return;
                    }
                }
            }
            try {
                s.send(payload);
            } catch (IOException e) {
                counters.add(RelayEvent.UDP_SEND_FAILED);
            }
        }

        /** The socket is open: what came while it opened goes first. */
        void opened(RelayTarget.Datagrams s) {
            List<byte[]> waiting;
            synchronized (this) {
                if (closed) {
                    s.close(); // closed (its owner went, the relay stopped) while it opened
                    return;
                }
                socket = s;
                waiting = early;
                early = null;
            }
            waiting.forEach(this::send);
        }

        @Override
        public void close() {
            RelayTarget.Datagrams s;
            synchronized (this) {
                closed = true;
                early = null;
                s = socket;
            }
            if (s != null) {
                s.close();
            }
            flows.remove(key, this);
        }
    }

    private final Function<InetAddress, Object> ownerOf;
    private final RelayTarget target;
    private final RelayLimits limits;
    private final EventCounters<RelayEvent> counters;
    private final FlowSlots<Object, Flow> slots;
    private final Map<FlowKey, Flow> flows = new ConcurrentHashMap<>();

    UdpRelay(Function<InetAddress, Object> ownerOf, RelayTarget target, RelayLimits limits,
             EventCounters<RelayEvent> counters) {
        this.ownerOf = ownerOf;
        this.target = target;
        this.limits = limits;
        this.counters = counters;
        this.slots = new FlowSlots<>(limits.udpPerOwner(), limits.udpTotal());
    }

    /** A datagram to a foreign address; runs on an inbound thread, so never waits for the far side. */
    @Override
    public void handle(Netstack stack, IpPacket packet, UdpDatagram d) {
        FlowKey key = new FlowKey(address(packet.source()), d.sourcePort(), address(packet.destination()),
                d.destinationPort());
        Flow flow = flows.get(key);
        if (flow == null) {
            if (!target.hasHost(key.destination())) {
                stack.hostUnreachable(packet);
                return;
            }
            Flow fresh = new Flow(key);
            flow = flows.putIfAbsent(key, fresh);
            if (flow == null) {
                if (!open(stack, fresh)) {
                    return;
                }
                flow = fresh;
            }
        }
        flow.lastUsedNanos = System.nanoTime();
        flow.send(Arrays.copyOfRange(d.buffer(), d.payloadOffset(), d.payloadOffset() + d.payloadLength()));
    }

    /** Opens the socket of a flow this thread put in the table; a flow that may not or cannot open leaves it. */
    private boolean open(Netstack stack, Flow flow) {
        FlowKey key = flow.key;
        Object owner = ownerOf.apply(key.source());
        if (owner == null) {
            counters.add(RelayEvent.REFUSED_NO_OWNER);
            flow.close();
            return false;
        }
        if (!slots.take(owner, flow)) {
            counters.add(RelayEvent.REFUSED_UDP_LIMIT);
            flow.close();
            return false;
        }
        byte[] from = key.destination().getAddress();
        byte[] to = key.source().getAddress();
        RelayTarget.Datagrams socket;
        try {
            socket = target.openUdp(new InetSocketAddress(key.destination(), key.destinationPort()), reply -> {
                flow.lastUsedNanos = System.nanoTime();
                stack.sendUdp(from, key.destinationPort(), to, key.sourcePort(), reply, 0, reply.length);
            });
        } catch (IOException | RuntimeException e) {
            slots.release(owner, flow);
            counters.add(RelayEvent.UDP_SEND_FAILED);
            flow.close();
            return false;
        }
        counters.add(RelayEvent.UDP_FLOWS_OPENED);
        flow.opened(socket);
        return true;
    }

    /** Closes the flows idle for longer than the limit. */
    void expireIdle() {
        long now = System.nanoTime();
        long idle = limits.udpIdle().toNanos();
        counters.add(RelayEvent.UDP_FLOWS_EXPIRED, slots.closeIf(f -> now - f.lastUsedNanos > idle));
    }

    int flows(Object owner) {
        return slots.count(owner);
    }

    void closeOwner(Object owner) {
        slots.closeAll(owner);
    }

    int total() {
        return slots.total();
    }

    @Override
    public void close() {
        slots.closeEverything();
    }

    private static InetAddress address(byte[] raw) {
        try {
            return InetAddress.getByAddress(raw);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("a parsed packet holds a malformed address", e);
        }
    }
}
