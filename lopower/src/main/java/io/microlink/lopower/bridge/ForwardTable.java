package io.microlink.lopower.bridge;

import io.microlink.lopower.enroll.AddressPlan;
import io.microlink.lopower.enroll.DeviceRecord;
import io.microlink.lopower.enroll.ForwardRecord;
import io.microlink.netstack.DroppedInput;
import io.microlink.netstack.relay.FlowSlots;
import io.microlink.netstack.socket.Netstack;
import io.microlink.netstack.socket.StreamRelay;
import io.microlink.netstack.socket.TailnetServerSocket;
import io.microlink.netstack.socket.TailnetSocket;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Tailnet to device: each TCP port forward is a listener on the bridge's tailnet addresses
 * whose connections the device-side stack carries on to the device's port, and each UDP port
 * forward a {@link UdpForward}; both reach the device from the bridge's own device-side
 * address (so the device sees the bridge, as tailnet peers see the bridge's node). Follows the
 * registry like {@link DeviceTable}; a forward removed, or its device removed, closes its port
 * and its connections or flows.
 */
final class ForwardTable implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ForwardTable.class.getName());

    private final Uplink uplink;
    private final Netstack deviceSide;
    private final AddressPlan plan;
    private final BridgeCounters counters;
    private final Duration udpIdle;
    private final FlowSlots<String, TailnetSocket> tcpSlots;
    private final FlowSlots<String, Closeable> udpSlots;
    private final DroppedInput drops = new DroppedInput(LOG, "forwarded connection");
    /** Open ports by the forward they serve; a forward that changes in any way is a new one. */
    private final Map<ForwardRecord, Closeable> open = new HashMap<>();

    ForwardTable(Uplink uplink, Netstack deviceSide, AddressPlan plan, BridgeCounters counters, int perDevice,
                 Duration udpIdle) {
        this.uplink = uplink;
        this.deviceSide = deviceSide;
        this.plan = plan;
        this.counters = counters;
        this.udpIdle = udpIdle;
        this.tcpSlots = new FlowSlots<>(perDevice, Integer.MAX_VALUE);
        this.udpSlots = new FlowSlots<>(perDevice, Integer.MAX_VALUE);
    }

    /** Makes the open ports match {@code forwards}; one whose port cannot be opened is tried again next time. */
    synchronized void sync(List<DeviceRecord> devices, List<ForwardRecord> forwards) {
        for (var it = open.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (!forwards.contains(e.getKey())) {
                closePort(e.getKey(), e.getValue());
                it.remove();
            }
        }
        for (ForwardRecord f : forwards) {
            if (open.containsKey(f)) {
                continue;
            }
            DeviceRecord d = devices.stream().filter(x -> x.name().equals(f.device())).findFirst().orElse(null);
            if (d == null) {
                continue;
            }
            // IPv4 when the device side has it: small devices' stacks often listen on IPv4 alone.
            InetAddress target = plan.addressesOf(d.host()).getLast();
            try {
                open.put(f, f.udp() ? openUdp(f, target) : openTcp(f, target));
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot forward tailnet port {0} to {1}: {2}",
                        f.tailnetPort() + (f.udp() ? "/udp" : "/tcp"), f.device(), e.getMessage());
            }
        }
    }

    private Closeable openTcp(ForwardRecord f, InetAddress target) throws IOException {
        TailnetServerSocket server = uplink.listen(f.tailnetPort());
        Thread.ofVirtual().name("lopower-forward-" + f.tailnetPort()).start(() -> acceptLoop(f, server, target));
        return server;
    }

    private Closeable openUdp(ForwardRecord f, InetAddress target) throws IOException {
        return new UdpForward(f.device(), uplink.bindUdp(f.tailnetPort()), deviceSide,
                new InetSocketAddress(target, f.devicePort()), udpSlots, counters, udpIdle);
    }

    private void closePort(ForwardRecord f, Closeable port) {
        try {
            port.close();
        } catch (IOException e) {
            // closing is all that is wanted
        }
        if (!f.udp()) {
            tcpSlots.closeAll(key(f));
        }
    }

    /** Closes the UDP forwards' idle flows. */
    synchronized void expireIdle() {
        long now = System.nanoTime();
        for (Closeable port : open.values()) {
            if (port instanceof UdpForward u) {
                u.expireIdle(now);
            }
        }
    }

    /** UDP flows through the forwards of {@code device} now. */
    int udpFlows(String device) {
        return udpSlots.count(device);
    }

    private void acceptLoop(ForwardRecord f, TailnetServerSocket server, InetAddress target) {
        while (true) {
            TailnetSocket caller;
            try {
                caller = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            Thread.ofVirtual().name("lopower-forward").start(() -> {
                try {
                    carry(f, caller, target);
                } catch (RuntimeException e) {
                    drops.record(e);
                    caller.close();
                }
            });
        }
    }

    private void carry(ForwardRecord f, TailnetSocket caller, InetAddress target) {
        String key = key(f);
        if (!tcpSlots.take(key, caller)) {
            counters.add(BridgeCounters.Event.REFUSED_DEVICE_LIMIT);
            caller.close();
            return;
        }
        try {
            TailnetSocket device;
            try {
                device = deviceSide.connect(target, f.devicePort(), BridgeDataplane.DIAL_TIMEOUT.toMillis());
            } catch (IOException e) {
                counters.add(BridgeCounters.Event.TCP_DIAL_FAILED);
                caller.abort(); // RST, as when the device itself refuses
                return;
            }
            counters.add(BridgeCounters.Event.TCP_CONNECTIONS_FORWARDED);
            StreamRelay.run(caller, device);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            caller.close();
        } finally {
            tcpSlots.release(key, caller);
        }
    }

    /** Connections of a TCP forward are counted under its device and port, one bound each. */
    private static String key(ForwardRecord f) {
        return f.device() + ":" + f.tailnetPort();
    }

    @Override
    public synchronized void close() {
        open.forEach(this::closePort);
        open.clear();
    }
}
