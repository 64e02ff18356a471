package io.microlink.lopower.bridge;

import io.microlink.lopower.enroll.AddressPlan;
import io.microlink.lopower.enroll.DeviceRecord;
import io.microlink.lopower.enroll.ForwardRecord;
import io.microlink.netstack.relay.FlowSlots;
import io.microlink.netstack.DroppedInput;
import io.microlink.netstack.socket.Netstack;
import io.microlink.netstack.socket.StreamRelay;
import io.microlink.netstack.socket.TailnetServerSocket;
import io.microlink.netstack.socket.TailnetSocket;
import java.io.IOException;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Tailnet to device: each port forward is a TCP listener on the bridge's tailnet addresses
 * whose connections the device-side stack carries on to the device's port, from the bridge's
 * own device-side address (so the device sees the bridge, as tailnet peers see the bridge's
 * node). Follows the registry like {@link DeviceTable}; a forward removed, or its device
 * removed, closes its listener and its connections.
 */
final class ForwardTable implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ForwardTable.class.getName());

    private final Uplink uplink;
    private final Netstack deviceSide;
    private final AddressPlan plan;
    private final BridgeCounters counters;
    private final FlowSlots<String, TailnetSocket> slots;
    private final DroppedInput drops = new DroppedInput(LOG, "forwarded connection");
    /** Open listeners by the forward they serve; a forward that changes in any way is a new one. */
    private final Map<ForwardRecord, TailnetServerSocket> listening = new HashMap<>();

    ForwardTable(Uplink uplink, Netstack deviceSide, AddressPlan plan, BridgeCounters counters, int perDevice) {
        this.uplink = uplink;
        this.deviceSide = deviceSide;
        this.plan = plan;
        this.counters = counters;
        this.slots = new FlowSlots<>(perDevice, Integer.MAX_VALUE);
    }

    /** Makes the listeners match {@code forwards}; one whose port cannot be opened is tried again next time. */
    synchronized void sync(List<DeviceRecord> devices, List<ForwardRecord> forwards) {
        for (var it = listening.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (!forwards.contains(e.getKey())) {
                e.getValue().close();
                it.remove();
                slots.closeAll(key(e.getKey()));
            }
        }
        for (ForwardRecord f : forwards) {
            if (listening.containsKey(f)) {
                continue;
            }
            DeviceRecord d = devices.stream().filter(x -> x.name().equals(f.device())).findFirst().orElse(null);
            if (d == null) {
                continue;
            }
            try {
                TailnetServerSocket server = uplink.listen(f.tailnetPort());
                listening.put(f, server);
                // IPv4 when the device side has it: small devices' stacks often listen on IPv4 alone.
                InetAddress target = plan.addressesOf(d.host()).getLast();
                Thread.ofVirtual().name("lopower-forward-" + f.tailnetPort()).start(() -> acceptLoop(f, server, target));
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot forward tailnet port {0} to {1}: {2}",
                        String.valueOf(f.tailnetPort()), f.device(), e.getMessage());
            }
        }
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
        if (!slots.take(key, caller)) {
            counters.add(BridgeCounters.Event.REFUSED_DEVICE_LIMIT);
            caller.close();
            return;
        }
        try {
            TailnetSocket device;
            try {
                device = deviceSide.connect(target, f.devicePort(), TcpRelay.DIAL_TIMEOUT.toMillis());
            } catch (IOException e) {
                counters.add(BridgeCounters.Event.TCP_DIAL_FAILED);
                caller.close();
                return;
            }
            counters.add(BridgeCounters.Event.TCP_CONNECTIONS_FORWARDED);
            StreamRelay.run(caller, device);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            caller.close();
        } finally {
            slots.release(key, caller);
        }
    }

    /** Connections of a forward are counted under its device, one bound per device and port. */
    private static String key(ForwardRecord f) {
        return f.device() + ":" + f.tailnetPort();
    }

    @Override
    public synchronized void close() {
        listening.forEach((f, server) -> {
            server.close();
            slots.closeAll(key(f));
        });
        listening.clear();
    }
}
