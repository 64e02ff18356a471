package io.microlink.netcheck;

import io.microlink.control.wire.DerpMap;
import io.microlink.stun.StunException;
import io.microlink.stun.StunMessage;
import java.net.Inet6Address;
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

    private record Target(int region, InetSocketAddress address) {
        boolean v6() {
            return address.getAddress() instanceof Inet6Address;
        }
    }

    private record Probe(Target target, long sentNanos) {}

    private final List<Target> targets;
    private final RandomGenerator random;
    private final Map<String, Probe> pending = new HashMap<>();
    private final Map<Integer, Duration> bestV4 = new HashMap<>();
    private final Map<Integer, Duration> bestV6 = new HashMap<>();
    private final Set<InetSocketAddress> mappedV4 = new LinkedHashSet<>();
    private final Set<InetSocketAddress> mappedV6 = new LinkedHashSet<>();
    private final Set<InetSocketAddress> answeredV4 = new LinkedHashSet<>();
    private final Set<InetSocketAddress> answeredV6 = new LinkedHashSet<>();
    private InetSocketAddress globalV4;
    private InetSocketAddress globalV6;

    public NetcheckRound(DerpMap map, RandomGenerator random) {
        this.targets = targets(map);
        this.random = random;
    }

    /**
     * STUN targets: each node's IPv4 literal (or its host name) and its IPv6 literal, skipping
     * nodes with STUN off (-1) and families set to "none".
     */
    static List<Target> targets(DerpMap map) {
        List<Target> out = new ArrayList<>();
        map.regions().values().stream()
                .filter(r -> r.nodes() != null)
                .flatMap(r -> r.nodes().stream())
                .filter(n -> n.stunPort() >= 0)
                .forEach(n -> {
                    int port = n.stunPort() == 0 ? DEFAULT_STUN_PORT : n.stunPort();
                    String v4 = usable(n.ipv4()) ? n.ipv4() : n.hostName();
                    out.add(new Target(n.regionId(), new InetSocketAddress(v4, port)));
                    if (usable(n.ipv6())) {
                        out.add(new Target(n.regionId(), new InetSocketAddress(n.ipv6(), port)));
                    }
                });
        out.removeIf(t -> t.address().isUnresolved());
        return List.copyOf(out);
    }

    private static boolean usable(String literal) {
        return literal != null && !literal.isEmpty() && !literal.equals("none");
    }

    /** Requests for every region that has not answered yet (all of them the first time). */
    public synchronized List<Request> requests(long nowNanos) {
        List<Request> out = new ArrayList<>();
        for (Target t : targets) {
            if ((t.v6() ? bestV6 : bestV4).containsKey(t.region())) {
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
        if (packet.length < StunMessage.HEADER || !pending.containsKey(HEX.formatHex(packet, 8, StunMessage.HEADER))) {
            return false; // not ours: whoever sent it gets no parse of theirs run
        }
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
        boolean v6 = p.target().v6();
        (v6 ? bestV6 : bestV4).merge(p.target().region(), Duration.ofNanos(nowNanos - p.sentNanos()),
                (a, b) -> a.compareTo(b) <= 0 ? a : b);
        (v6 ? mappedV6 : mappedV4).add(r.mapped());
        (v6 ? answeredV6 : answeredV4).add(p.target().address());
        if (v6 && globalV6 == null) {
            globalV6 = r.mapped();
        } else if (!v6 && globalV4 == null) {
            globalV4 = r.mapped();
        }
        return true;
    }

    /** Whether every target's region has answered in the target's family, so the round can end early. */
    public synchronized boolean complete() {
        return targets.stream().allMatch(t -> (t.v6() ? bestV6 : bestV4).containsKey(t.region()));
    }

    public synchronized NetcheckReport report(Instant at) {
        return new NetcheckReport(at, bestV4, bestV6, globalV4, globalV6, varies());
    }

    /** Different mapped addresses from servers of one family; unknowable from a single server. */
    private Boolean varies() {
        Boolean v4 = answeredV4.size() >= 2 ? mappedV4.size() > 1 : null;
        Boolean v6 = answeredV6.size() >= 2 ? mappedV6.size() > 1 : null;
        if (v4 == null) {
            return v6;
        }
        return v6 == null ? v4 : v4 || v6;
    }
}
