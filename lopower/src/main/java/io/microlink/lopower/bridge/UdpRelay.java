package io.microlink.lopower.bridge;

import io.microlink.netstack.relay.FlowSlots;
import io.microlink.netstack.ip.IpPacket;
import io.microlink.netstack.socket.Netstack;
import io.microlink.netstack.socket.TailnetDatagramSocket;
import io.microlink.netstack.udp.UdpDatagram;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The devices' UDP flows: each (device address and port, destination address and port) gets
 * a UDP socket of its own on the bridge's tailnet node. Datagrams go on whole, both ways, at
 * any size the tunnels carry; replies are taken only from the flow's destination. A flow idle
 * for {@code idle} is closed; a device holds at most {@code perDevice} flows (further ones are
 * refused and counted until one expires); a removed device's flows are closed at once.
 */
final class UdpRelay implements Netstack.UdpService, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(UdpRelay.class.getName());

    private record FlowKey(InetAddress source, int sourcePort, InetAddress destination, int destinationPort) {}

    private final class Flow implements Closeable {
        final FlowKey key;
        final TailnetDatagramSocket socket;
        volatile long lastUsedNanos = System.nanoTime();

        Flow(FlowKey key, TailnetDatagramSocket socket) {
            this.key = key;
            this.socket = socket;
        }

        @Override
        public void close() {
            socket.close();
            flows.remove(key, this);
        }
    }

    private final Uplink uplink;
    private final DeviceTable devices;
    private final BridgeCounters counters;
    private final Duration idle;
    private final FlowSlots<String, Flow> slots;
    private final Map<FlowKey, Flow> flows = new ConcurrentHashMap<>();

    UdpRelay(Uplink uplink, DeviceTable devices, BridgeCounters counters, int perDevice, Duration idle) {
        this.uplink = uplink;
        this.devices = devices;
        this.counters = counters;
        this.idle = idle;
        this.slots = new FlowSlots<>(perDevice, Integer.MAX_VALUE);
    }

    /** A datagram from a device to a tailnet address; runs on the WireGuard receive thread, so never blocks. */
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
            flow.socket.send(new InetSocketAddress(key.destination(), key.destinationPort()), payload);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "UDP to {0} failed: {1}", key.destination(), e.getMessage());
        }
    }

    private Flow open(Netstack stack, FlowKey key) {
        String name = devices.nameOf(key.source());
        if (name == null) {
            return null;
        }
        TailnetDatagramSocket socket;
        try {
            socket = uplink.bindUdp(0);
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "no tailnet UDP socket for {0}: {1}", name, e.getMessage());
            return null;
        }
        Flow flow = new Flow(key, socket);
        if (!slots.take(name, flow)) {
            socket.close();
            counters.add(BridgeCounters.Event.REFUSED_DEVICE_LIMIT);
            return null;
        }
        flows.put(key, flow);
        counters.add(BridgeCounters.Event.UDP_FLOWS_OPENED);
        InetSocketAddress peer = new InetSocketAddress(key.destination(), key.destinationPort());
        byte[] from = key.destination().getAddress();
        byte[] to = key.source().getAddress();
        socket.onReceive(reply -> {
            if (!reply.sender().equals(peer)) {
                counters.add(BridgeCounters.Event.UDP_REPLY_FROM_ELSEWHERE);
                return;
            }
            flow.lastUsedNanos = System.nanoTime();
            byte[] data = reply.data();
            stack.sendUdp(from, key.destinationPort(), to, key.sourcePort(), data, 0, data.length);
        });
        return flow;
    }

    /** Closes the flows idle for longer than the limit; the bridge calls it every half second or so. */
    void expireIdle() {
        long now = System.nanoTime();
        for (var e : slots.snapshot().entrySet()) {
            for (Flow f : e.getValue()) {
                if (now - f.lastUsedNanos > idle.toNanos()) {
                    f.close();
                    slots.release(e.getKey(), f);
                    counters.add(BridgeCounters.Event.UDP_FLOWS_EXPIRED);
                }
            }
        }
    }

    /** Closes every flow of a removed device. */
    void closeDevice(String name) {
        slots.closeAll(name);
    }

    int flows(String name) {
        return slots.count(name);
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
