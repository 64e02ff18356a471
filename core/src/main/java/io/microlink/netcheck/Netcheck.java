package io.microlink.netcheck;

import io.microlink.control.wire.DerpMap;
import io.microlink.stun.StunException;
import io.microlink.stun.StunMessage;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Measures the DERP map: a STUN binding request to every node of every region from one UDP
 * socket (the one peers will reach us on), a second round for datagrams lost in the first,
 * and the best round trip per region.
 *
 * <pre>{@code
 * NetcheckReport report = Netcheck.run(udpSocket, netmap.derpMap().orElseThrow(), Duration.ofSeconds(2));
 * int home = selector.update(report);
 * }</pre>
 */
public final class Netcheck {
    static final int DEFAULT_STUN_PORT = 3478;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final HexFormat HEX = HexFormat.of();

    private Netcheck() {}

    private record Probe(int region, InetSocketAddress target, long sentNanos) {}

    /** Probes every region within {@code timeout}; the socket's own read timeout is restored after. */
    public static NetcheckReport run(DatagramSocket udp, DerpMap map, Duration timeout) throws IOException {
        List<Target> targets = targets(map);
        Map<String, Probe> pending = new HashMap<>();
        Map<Integer, Duration> best = new HashMap<>();
        Set<InetSocketAddress> mapped = new LinkedHashSet<>();
        Set<InetSocketAddress> answered = new LinkedHashSet<>();
        InetSocketAddress globalV4 = null;
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        long secondRound = start + timeout.toNanos() / 2;
        boolean resent = false;
        int previousTimeout = udp.getSoTimeout();
        byte[] buf = new byte[1500];
        try {
            send(udp, targets, pending);
            while (System.nanoTime() < deadline && best.size() < regions(targets)) {
                if (!resent && System.nanoTime() >= secondRound) {
                    send(udp, targets.stream().filter(t -> !best.containsKey(t.region())).toList(), pending);
                    resent = true;
                }
                long waitMillis = Math.max(1, ((resent ? deadline : secondRound) - System.nanoTime()) / 1_000_000);
                udp.setSoTimeout((int) Math.min(waitMillis, Integer.MAX_VALUE));
                DatagramPacket packet = new DatagramPacket(buf, buf.length);
                try {
                    udp.receive(packet);
                } catch (SocketTimeoutException e) {
                    continue;
                }
                long now = System.nanoTime();
                StunMessage.BindingResponse r;
                try {
                    r = StunMessage.parseResponse(Arrays.copyOf(buf, packet.getLength()));
                } catch (StunException e) {
                    continue; // not for us (or not STUN): netcheck ignores it
                }
                Probe p = pending.remove(HEX.formatHex(r.txId()));
                if (p == null) {
                    continue;
                }
                best.merge(p.region(), Duration.ofNanos(now - p.sentNanos()), (a, b) -> a.compareTo(b) <= 0 ? a : b);
                mapped.add(r.mapped());
                answered.add(p.target());
                if (globalV4 == null && r.mapped().getAddress() instanceof Inet4Address) {
                    globalV4 = r.mapped();
                }
            }
        } finally {
            udp.setSoTimeout(previousTimeout);
        }
        Boolean varies = answered.size() >= 2 ? mapped.size() > 1 : null; // unknowable from one server
        return new NetcheckReport(Clock.systemUTC().instant(), Map.copyOf(best), globalV4, varies);
    }

    private record Target(int region, InetSocketAddress address) {}

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

    private static long regions(List<Target> targets) {
        return targets.stream().map(Target::region).distinct().count();
    }

    private static void send(DatagramSocket udp, List<Target> targets, Map<String, Probe> pending) throws IOException {
        for (Target t : targets) {
            byte[] tx = new byte[StunMessage.TX_ID_LENGTH];
            RANDOM.nextBytes(tx);
            byte[] request = StunMessage.bindingRequest(tx);
            pending.put(HEX.formatHex(tx), new Probe(t.region(), t.address(), System.nanoTime()));
            udp.send(new DatagramPacket(request, request.length, t.address()));
        }
    }
}
