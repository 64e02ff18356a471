package io.microlink.web;

import io.microlink.NodeMetrics;
import io.microlink.PeerTraffic;
import io.microlink.web.http.HttpException;
import io.microlink.web.http.HttpRequest;
import io.microlink.web.http.HttpResponse;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToLongFunction;

/**
 * {@code GET /metrics}: the node's counters in Prometheus's text format, for a scraper. It sits
 * behind the same access rules as the rest of the page (on 127.0.0.1 the page's token, as
 * {@code Authorization: Bearer TOKEN}; on the tailnet only when {@code webMetricsOnTailnet} is on,
 * and then for the callers the page admits).
 */
final class MetricsPage {
    static final String PATH = "/metrics";

    private final WebBackend backend;

    MetricsPage(WebBackend backend) {
        this.backend = backend;
    }

    HttpResponse handle(HttpRequest r) {
        if (!r.method().equals("GET") && !r.method().equals("HEAD")) {
            throw new HttpException(405, r.method() + " is not allowed on " + PATH + "; use GET");
        }
        return new HttpResponse(200, PrometheusText.CONTENT_TYPE,
                render(backend.metrics()).getBytes(StandardCharsets.UTF_8), Map.of("Cache-Control", "no-store"));
    }

    static String render(NodeMetrics m) {
        PrometheusText t = new PrometheusText();
        peerCounter(t, m, "microlink_peer_receive_bytes_total", "WireGuard bytes received from a peer, by path.",
                PeerTraffic::rxBytes);
        peerCounter(t, m, "microlink_peer_receive_packets_total", "WireGuard packets received from a peer, by path.",
                PeerTraffic::rxPackets);
        peerCounter(t, m, "microlink_peer_transmit_bytes_total", "WireGuard bytes sent to a peer, by path.",
                PeerTraffic::txBytes);
        peerCounter(t, m, "microlink_peer_transmit_packets_total", "WireGuard packets sent to a peer, by path.",
                PeerTraffic::txPackets);
        t.family("microlink_wireguard_handshakes_total", "counter", "WireGuard handshakes completed.")
                .sample(m.handshakesCompleted());
        t.family("microlink_disco_pings_sent_total", "counter", "DISCO pings sent to probe paths.")
                .sample(m.discoPingsSent());
        t.family("microlink_disco_pongs_received_total", "counter", "DISCO pongs received for our pings.")
                .sample(m.discoPongsReceived());
        t.family("microlink_disco_pings_answered_total", "counter", "DISCO pings from peers answered.")
                .sample(m.discoPingsAnswered());
        t.family("microlink_derp_connects_total", "counter", "Connections opened to DERP relays, reconnects included.")
                .sample(m.derpConnects());
        t.family("microlink_derp_latency_seconds", "gauge", "Round trip to each DERP region in the latest netcheck.");
        new TreeMap<>(m.derpLatencies())
                .forEach((region, rtt) -> t.sample(Map.of("region", region), rtt.toNanos() / 1e9));
        t.family("microlink_netmap_updates_total", "counter", "Netmaps from control applied to the node.")
                .sample(m.netmapUpdates());
        t.family("microlink_dropped_total", "counter",
                "Inputs dropped, by reason: WireGuard's refusals, receive loops' failures, "
                        + "the packet filter's verdicts.");
        new TreeMap<>(m.dropped()).forEach((reason, n) -> t.sample(Map.of("reason", reason), n));
        t.family("microlink_tcp_connections", "gauge", "TCP connections of the userspace stack, in any state.")
                .sample(m.tcpConnections());
        t.family("microlink_udp_sockets", "gauge", "UDP sockets bound on the userspace stack.")
                .sample(m.udpSockets());
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        t.family("microlink_jvm_heap_used_bytes", "gauge", "Heap in use by the JVM.").sample(heap.getUsed());
        t.family("microlink_jvm_heap_max_bytes", "gauge", "The JVM's heap limit (-1: none).").sample(heap.getMax());
        return t.toString();
    }

    private static void peerCounter(PrometheusText t, NodeMetrics m, String name, String help,
                                    ToLongFunction<PeerTraffic> value) {
        t.family(name, "counter", help);
        for (PeerTraffic p : m.peers()) {
            Map<String, String> labels = new LinkedHashMap<>();
            labels.put("peer", p.peer());
            labels.put("path", p.path());
            t.sample(labels, value.applyAsLong(p));
        }
    }
}
