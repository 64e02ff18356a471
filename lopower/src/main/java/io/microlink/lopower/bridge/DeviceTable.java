package io.microlink.lopower.bridge;

import io.microlink.lopower.DeviceActivity;
import io.microlink.lopower.enroll.AddressPlan;
import io.microlink.lopower.enroll.DeviceRecord;
import io.microlink.wireguard.config.WireGuardKey;
import io.microlink.wireguard.session.Engine;
import io.microlink.wireguard.session.Peer;
import io.microlink.wireguard.session.PeerSpec;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The enrolled devices as WireGuard peers of the bridge's engine, kept in step with the
 * registry: a device enrolled gets a peer whose allowed IPs are exactly its addresses (so
 * WireGuard drops a packet from any other source, and routes replies to it alone); a device
 * removed loses its peer, its sessions and, through {@code removed}, its relayed connections
 * and flows, at once.
 */
final class DeviceTable {
    private final Engine engine;
    private final AddressPlan plan;
    private final Consumer<String> removed;
    /** Enrolled devices by their record; a record that changes in any way is a new device. */
    private final Map<DeviceRecord, Peer> peers = new HashMap<>();
    private volatile Map<InetAddress, Enrolled> byAddress = Map.of();

    private record Enrolled(String name, Peer peer) {}

    /** @param removed told each removed device's name, after its peer is gone */
    DeviceTable(Engine engine, AddressPlan plan, Consumer<String> removed) {
        this.engine = engine;
        this.plan = plan;
        this.removed = removed;
    }

    /** Makes the peers match {@code devices}. */
    synchronized void sync(List<DeviceRecord> devices) {
        for (var it = peers.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (!devices.contains(e.getKey())) {
                engine.removePeer(e.getValue());
                it.remove();
                removed.accept(e.getKey().name());
            }
        }
        Map<InetAddress, Enrolled> names = new HashMap<>();
        for (DeviceRecord d : devices) {
            List<InetAddress> addresses = plan.addressesOf(d.host());
            if (!peers.containsKey(d)) {
                Peer p = engine.addPeer(new PeerSpec(WireGuardKey.parse(d.publicKey(), false).bytes(), null, null, 0,
                        false));
                for (InetAddress a : addresses) {
                    engine.allowedIps().insert(a, a.getAddress().length * 8, p);
                }
                peers.put(d, p);
            }
            Enrolled e = new Enrolled(d.name(), peers.get(d));
            addresses.forEach(a -> names.put(a, e));
        }
        byAddress = Map.copyOf(names);
    }

    /** Each enrolled device's WireGuard activity, by name. */
    synchronized Map<String, DeviceActivity> activity() {
        long now = System.nanoTime();
        Map<String, DeviceActivity> out = new HashMap<>();
        peers.forEach((d, p) -> {
            long last = p.lastHandshakeNanos();
            boolean online = p.hasSession() && last != 0
                    && now - last < TimeUnit.SECONDS.toNanos(DeviceActivity.ONLINE_WITHIN_SECONDS);
            out.put(d.name(), new DeviceActivity(p.lastHandshakeTime(), p.rxBytes(), p.txBytes(), online));
        });
        return out;
    }

    /** The name of the device holding {@code address}, or null when no enrolled device does. */
    String nameOf(InetAddress address) {
        Enrolled e = byAddress.get(address);
        return e == null ? null : e.name();
    }

    /**
     * The name of the device holding {@code address} if the bridge can reach it now: enrolled,
     * and heard from since the bridge started (WireGuard learns where a device is only from its
     * packets, so a packet for any other would wait for a handshake that cannot be sent). Null
     * otherwise.
     */
    String reachableNameOf(InetAddress address) {
        Enrolled e = byAddress.get(address);
        return e == null || e.peer().endpoint() == null ? null : e.name();
    }
}
