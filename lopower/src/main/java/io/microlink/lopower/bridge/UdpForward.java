package io.microlink.lopower.bridge;

import io.microlink.netstack.relay.FlowSlots;
import io.microlink.netstack.socket.Netstack;
import io.microlink.netstack.socket.TailnetDatagramSocket;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One UDP port forward, tailnet to device: datagrams to the forward's port of the bridge's
 * tailnet addresses go on to the device's port, each tailnet sender (address and port) as a
 * flow of its own with its own port on the bridge's device-side address, so the device's
 * replies find their way back to that sender alone. Replies are taken only from the device's
 * forwarded port. A flow with no datagram either way for {@code idle} is closed; the flows of
 * one device's forwards share its {@code slots} (further senders are refused and counted).
 */
final class UdpForward implements Closeable {
    private static final System.Logger LOG = System.getLogger(UdpForward.class.getName());

    private final class Flow implements Closeable {
        final InetSocketAddress caller;
        final TailnetDatagramSocket deviceSide;
        volatile long lastUsedNanos = System.nanoTime();

        Flow(InetSocketAddress caller, TailnetDatagramSocket deviceSide) {
            this.caller = caller;
            this.deviceSide = deviceSide;
        }

        @Override
        public void close() {
            deviceSide.close();
            flows.remove(caller, this);
        }
    }

    private final String device;
    private final TailnetDatagramSocket tailnet;
    private final Netstack deviceStack;
    private final InetSocketAddress target;
    private final FlowSlots<String, Closeable> slots;
    private final BridgeCounters counters;
    private final Duration idle;
    private final Map<InetSocketAddress, Flow> flows = new ConcurrentHashMap<>();

    /**
     * @param tailnet     bound on the forward's port of the bridge's tailnet addresses
     * @param deviceStack the device-side stack the flows' sockets are bound on
     * @param target      the device's address and forwarded port
     * @param slots       the flows of all of the device's forwards, bounded together
     */
    UdpForward(String device, TailnetDatagramSocket tailnet, Netstack deviceStack, InetSocketAddress target,
               FlowSlots<String, Closeable> slots, BridgeCounters counters, Duration idle) {
        this.device = device;
        this.tailnet = tailnet;
        this.deviceStack = deviceStack;
        this.target = target;
        this.slots = slots;
        this.counters = counters;
        this.idle = idle;
        tailnet.onReceive(this::fromTailnet);
    }

    private void fromTailnet(TailnetDatagramSocket.Datagram d) throws IOException {
        Flow flow = flows.get(d.sender());
        if (flow == null) {
            flow = open(d.sender());
            if (flow == null) {
                return;
            }
        }
        flow.lastUsedNanos = System.nanoTime();
        flow.deviceSide.send(target, d.data());
    }

    private Flow open(InetSocketAddress caller) throws IOException {
        Flow flow = new Flow(caller, deviceStack.bindUdp(0));
        if (!slots.take(device, flow)) {
            flow.deviceSide.close();
            counters.add(BridgeCounters.Event.REFUSED_DEVICE_LIMIT);
            return null;
        }
        flows.put(caller, flow);
        counters.add(BridgeCounters.Event.UDP_FLOWS_FORWARDED);
        flow.deviceSide.onReceive(reply -> {
            if (!reply.sender().equals(target)) {
                counters.add(BridgeCounters.Event.UDP_REPLY_FROM_ELSEWHERE);
                return;
            }
            flow.lastUsedNanos = System.nanoTime();
            try {
                tailnet.send(caller, reply.data());
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, "UDP reply to {0} failed: {1}", caller, e.getMessage());
            }
        });
        return flow;
    }

    /** Closes the flows idle for longer than the limit. */
    void expireIdle(long nowNanos) {
        for (Flow f : flows.values()) {
            if (nowNanos - f.lastUsedNanos > idle.toNanos()) {
                f.close();
                slots.release(device, f);
                counters.add(BridgeCounters.Event.UDP_FLOWS_EXPIRED);
            }
        }
    }

    int flows() {
        return flows.size();
    }

    /** Closes the port and every flow; the slots of the device's other forwards are kept. */
    @Override
    public void close() {
        tailnet.close();
        for (Flow f : flows.values()) {
            f.close();
            slots.release(device, f);
        }
    }
}
