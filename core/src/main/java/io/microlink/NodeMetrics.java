package io.microlink;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A running node's counters, for monitoring ({@link TailnetNode#metrics()}): a snapshot that
 * never changes. Counters count from the node's start (a peer's from when it appeared in the
 * netmap), so a restarted node starts again from zero.
 *
 * <pre>{@code
 * NodeMetrics m = node.metrics();
 * long viaRelays = m.peers().stream().filter(p -> p.path().equals("derp")).mapToLong(PeerTraffic::txBytes).sum();
 * }</pre>
 *
 * @param peers               each peer's traffic, one entry per peer and path, ordered by peer
 * @param handshakesCompleted WireGuard handshakes completed with any peer
 * @param discoPingsSent      DISCO pings sent to probe paths and for {@link TailnetNode#ping}
 * @param discoPongsReceived  DISCO pongs that answered one of those pings
 * @param discoPingsAnswered  peers' DISCO pings this node answered
 * @param derpConnects        connections opened to DERP relays, reconnects included
 * @param derpLatencies       round trip to each DERP region (by its code) in the latest netcheck
 * @param netmapUpdates       netmaps from control applied to the node
 * @param dropped             inputs dropped, by reason, non-zero only: the WireGuard engine's refusals
 *                            ({@code wireguard_...}), receive loops' failures ({@code udp_failed},
 *                            {@code derp_failed}), the packet filter's verdicts ({@code filter_...}) and
 *                            inner packets that were not IP ({@code inner_malformed}) and TCP connections
 *                            refused or reset for the buffer budget ({@code tcp_buffer_refused})
 * @param tcpConnections      TCP connections of the userspace stack now, in any state
 * @param udpSockets          UDP sockets bound on the userspace stack now
 */
public record NodeMetrics(List<PeerTraffic> peers, long handshakesCompleted, long discoPingsSent,
                          long discoPongsReceived, long discoPingsAnswered, long derpConnects,
                          Map<String, Duration> derpLatencies, long netmapUpdates, Map<String, Long> dropped,
                          int tcpConnections, int udpSockets) {
    /** Copies the collections, so the snapshot never changes. */
    public NodeMetrics {
        peers = List.copyOf(peers);
        derpLatencies = Map.copyOf(Objects.requireNonNull(derpLatencies, "derpLatencies"));
        dropped = Map.copyOf(Objects.requireNonNull(dropped, "dropped"));
    }
}
