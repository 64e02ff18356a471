package io.microlink.lopower.bridge;

import io.microlink.netstack.EventCounters;
import java.util.Map;

/**
 * What the bridge refused and why, beside what its WireGuard engine counts. The device
 * relay's events ({@code RelayService}'s) are counted there and shown under these names too
 * ({@link BridgeDataplane#counters}); the bridge adds its own of the same name (the port forwards').
 */
public final class BridgeCounters {
    /** Why a device's packet, connection or flow was refused. */
    public enum Event {
        /** A packet to an address that is neither the tailnet's nor the bridge's own (the host's LAN, the internet). */
        DROPPED_NOT_TAILNET,
        /** A packet to another device: devices do not see each other. */
        DROPPED_OTHER_DEVICE,
        /** A packet with no IPv4 or IPv6 header we read (named apart from the engine's {@code dropped_malformed}). */
        DROPPED_NOT_IP,
        /** Packets for the devices dropped because the WireGuard sender fell behind. */
        DROPPED_TO_DEVICE_QUEUE_FULL,
        /** A TCP connection or UDP flow past a device's limit. */
        REFUSED_DEVICE_LIMIT,
        /** A TCP connection whose tailnet side could not be opened (reset for the device). */
        TCP_DIAL_FAILED,
        TCP_CONNECTIONS_RELAYED,
        /** A tailnet peer's connection carried on to a device by a port forward. */
        TCP_CONNECTIONS_FORWARDED,
        UDP_FLOWS_OPENED,
        /** A tailnet sender's datagrams carried on to a device by a UDP port forward, as a flow of their own. */
        UDP_FLOWS_FORWARDED,
        /** A device's ping answered after the bridge's node got the real reply. */
        PINGS_ANSWERED,
        /** A device's ping dropped because {@code RelayLimits.pingsInFlight} pings were waiting already. */
        REFUSED_PINGS_IN_FLIGHT,
        UDP_FLOWS_EXPIRED,
        /** A reply to a UDP flow from somewhere the device did not send to. */
        UDP_REPLY_FROM_ELSEWHERE,
        /**
         * A tailnet peer's connection, flow or ping to an address of the device prefixes that no
         * device heard from holds: refused at once (the connection is reset).
         */
        REFUSED_NO_DEVICE,
        /** A tailnet peer's connection carried on to a device by its own address (the device routes). */
        TCP_CONNECTIONS_ROUTED,
        /** A tailnet peer's UDP flow carried on to a device by its own address. */
        UDP_FLOWS_ROUTED,
        /** A tailnet peer's ping of a device answered after the device answered the bridge. */
        PINGS_ROUTED
    }

    private final EventCounters<Event> counts = new EventCounters<>(Event.class);

    void add(Event e) {
        counts.add(e);
    }

    public long get(Event e) {
        return counts.get(e);
    }

    /** Non-zero counters by lower-case name. */
    public Map<String, Long> snapshot() {
        return counts.snapshot();
    }
}
