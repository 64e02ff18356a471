package io.microlink.netcheck;

import io.microlink.control.wire.DerpMap;
import io.microlink.stun.StunException;
import io.microlink.stun.StunMessage;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * One netcheck pass, sans I/O: the STUN requests to send (every node of every region, and
 * again for regions that stayed silent), the responses fed back with their arrival time,
 * and the resulting report. Whoever owns the UDP socket drives it, so the socket can be
 * shared with WireGuard and DISCO. Thread-safe: one thread sends while another feeds answers.
 *
 * <pre>{@code
 * NetcheckRound round = new NetcheckRound(derpMap, random);
 * round.requests(System.nanoTime()).forEach(r -> udp.send(r.target(), r.packet()));
 * // for each STUN packet received: round.accept(packet, System.nanoTime());
 * NetcheckReport report = round.report(Instant.now());
 * }</pre>
 */
public final class NetcheckRound {
    static final int DEFAULT_STUN_PORT = 3478;
    private static final HexFormat HEX = HexFormat.of();

    /** A STUN request to send. */
    public record Request(InetSocketAddress target, byte[] packet) {}

    private record Target(int region, InetSocketAddress address) {}

    private record Probe(Target target, long sentNanos) {}

    private final List<Target> targets;
    private final RandomGenerator random;
    private final Map<String, Probe> pending = new HashMap<>();
    private final Map<Integer, Duration> best = new HashMap<>();
    private final Set<InetSocketAddress> mapped = new LinkedHashSet<>();
    private final Set<InetSocketAddress> answered = new LinkedHashSet<>();
    private InetSocketAddress globalV4;

    public NetcheckRound(DerpMap map, RandomGenerator random) {
        this.targets = targets(map);
        this.random = random;
    }

    /** STUN targets: each node's IPv4 literal (or host name), skipping nodes with STUN off (-1). */
    static List<Target> targets(DerpMap map) {
        return map.regions().values().stream()
                .filter(r -> r.nodes() != null)
                .flatMap(r -> r.nodes().stream())
                .filter(n -> n.stunPort() >= 0)
                .map(n -> new Target(n.regionId(), new InetSocketAddress(
                        n.ipv4() != null && !n.ipv4().isEmpty() && !n.ipv4().equals("none") ? n.ipv4() : n.hostName(),
                        n.stunPort() == 0 ? DEFAULT_STUN_PORT : n.stunPort())))
                .filter(t -> !t.address().isUnresolved())
                .toList();
    }

    /** Requests for every region that has not answered yet (all of them the first time). */
    public synchronized List<Request> requests(long nowNanos) {
        List<Request> out = new ArrayList<>();
        for (Target t : targets) {
            if (best.containsKey(t.region())) {
                continue;
            }
            byte[] tx = new byte[StunMessage.TX_ID_LENGTH];
            random.nextBytes(tx);
            pending.put(HEX.formatHex(tx), new Probe(t, nowNanos));
            out.add(new Request(t.address(), StunMessage.bindingRequest(tx)));
        }
        return out;
    }

    /** Feeds a received UDP payload; returns false if it was not an answer to this round. */
    public synchronized boolean accept(byte[] packet, long nowNanos) {
        StunMessage.BindingResponse r;
        try {
            r = StunMessage.parseResponse(packet);
        } catch (StunException e) {
            return false;
        }
        Probe p = pending.remove(HEX.formatHex(r.txId()));
        if (p == null) {
            return false;
        }
        best.merge(p.target().region(), Duration.ofNanos(nowNanos - p.sentNanos()),
                (a, b) -> a.compareTo(b) <= 0 ? a : b);
        mapped.add(r.mapped());
        answered.add(p.target().address());
        if (globalV4 == null && r.mapped().getAddress() instanceof Inet4Address) {
            globalV4 = r.mapped();
        }
        return true;
    }

    /** Whether every region has answered, so the round can end early. */
    public synchronized boolean complete() {
        return targets.stream().map(Target::region).allMatch(best::containsKey);
    }

    public synchronized NetcheckReport report(Instant at) {
        Boolean varies = answered.size() >= 2 ? mapped.size() > 1 : null; // unknowable from one server
        return new NetcheckReport(at, Map.copyOf(best), globalV4, varies);
    }
}
