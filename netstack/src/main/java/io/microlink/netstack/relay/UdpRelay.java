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
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * UDP to foreign addresses: each (source address and port, destination address and port) gets
 * a socket of its own from the {@link RelayTarget}; datagrams go on whole both ways, replies come
 * back from the destination only. A flow idle for {@link RelayLimits#udpIdle} is closed
 * ({@link #expireIdle}); past its owner's or the total limit a new flow's datagrams are dropped
 * and counted until one ends.
 */
final class UdpRelay implements Netstack.UdpService, AutoCloseable {
    private record FlowKey(InetAddress source, int sourcePort, InetAddress destination, int destinationPort) {}

    private final class Flow implements Closeable {
        final FlowKey key;
        volatile RelayTarget.Datagrams socket;
        volatile long lastUsedNanos = System.nanoTime();

        Flow(FlowKey key) {
            this.key = key;
        }

        @Override
        public void close() {
            RelayTarget.Datagrams s = socket;
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

    /** A datagram to a foreign address; runs on the inbound thread, so never waits for the far side. */
    @Override
    public void handle(Netstack stack, IpPacket packet, UdpDatagram d) {
        FlowKey key = new FlowKey(address(packet.source()), d.sourcePort(), address(packet.destination()),
                d.destinationPort());
        Flow flow = flows.get(key);
        if (flow == null) {
            flow = open(stack, key);
            if (flow == null) {
                return;
            }
        }
        flow.lastUsedNanos = System.nanoTime();
        byte[] payload = Arrays.copyOfRange(d.buffer(), d.payloadOffset(), d.payloadOffset() + d.payloadLength());
        try {
            flow.socket.send(payload);
        } catch (IOException e) {
            counters.add(RelayEvent.UDP_SEND_FAILED);
        }
    }

    private Flow open(Netstack stack, FlowKey key) {
        Object owner = ownerOf.apply(key.source());
        if (owner == null) {
            counters.add(RelayEvent.REFUSED_NO_OWNER);
            return null;
        }
        Flow flow = new Flow(key);
        if (!slots.take(owner, flow)) {
            counters.add(RelayEvent.REFUSED_UDP_LIMIT);
            return null;
        }
        byte[] from = key.destination().getAddress();
        byte[] to = key.source().getAddress();
        try {
            flow.socket = target.openUdp(new InetSocketAddress(key.destination(), key.destinationPort()), reply -> {
                flow.lastUsedNanos = System.nanoTime();
                stack.sendUdp(from, key.destinationPort(), to, key.sourcePort(), reply, 0, reply.length);
            });
        } catch (IOException | RuntimeException e) {
            slots.release(owner, flow);
            counters.add(RelayEvent.UDP_SEND_FAILED);
            return null;
        }
        flows.put(key, flow);
        counters.add(RelayEvent.UDP_FLOWS_OPENED);
        return flow;
    }

    /** Closes the flows idle for longer than the limit. */
    void expireIdle() {
        long now = System.nanoTime();
        for (Map.Entry<Object, Set<Flow>> e : slots.snapshot().entrySet()) {
            for (Flow f : e.getValue()) {
                if (now - f.lastUsedNanos > limits.udpIdle().toNanos()) {
                    f.close();
                    slots.release(e.getKey(), f);
                    counters.add(RelayEvent.UDP_FLOWS_EXPIRED);
                }
            }
        }
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
