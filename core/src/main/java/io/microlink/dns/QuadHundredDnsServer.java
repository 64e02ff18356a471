package io.microlink.dns;

import io.microlink.control.wire.DnsConfig;
import io.microlink.netmap.Netmap;
import io.microlink.netstack.DroppedInput;
import io.microlink.netstack.ip.IpHeader;
import io.microlink.netstack.ip.IpPacket;
import io.microlink.netstack.socket.Netstack;
import io.microlink.netstack.udp.UdpDatagram;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;

/**
 * MagicDNS at 100.100.100.100 and fd7a:115c:a1e0::53, port 53 over UDP, inside the netstack:
 * tailnet names are answered from the current netmap; other names go through a
 * {@link DnsForwarder} to the tailnet's resolvers (split-DNS routes, then {@code Resolvers}),
 * else to the upstreams the user configured, else to control's {@code FallbackResolvers}
 * (plain {@code ip} or {@code ip:port} ones; DNS-over-HTTPS resolvers are not supported yet).
 * Resolvers on tailnet addresses are asked through the tailnet when the predicate given to
 * {@link #attach(Netstack, Predicate)} says so, the others through the host's sockets.
 *
 * <pre>{@code
 * QuadHundredDnsServer dns = new QuadHundredDnsServer(List.of(new InetSocketAddress("192.0.2.53", 53)));
 * dns.attach(netstack, UpstreamSockets::isTailnetAddress);
 * dns.update(netmap); // on every netmap
 * }</pre>
 */
public final class QuadHundredDnsServer implements Netstack.UdpService {
    private static final System.Logger LOG = System.getLogger("io.microlink.dns");
    public static final int PORT = 53;
    /** Queries forwarded to upstream resolvers at once: a flood of queries for names nobody answers stops here. */
    static final int MAX_FORWARDS_IN_FLIGHT = DnsForwarder.Limits.DEFAULT.maxOutstanding();

    /** Where an answer goes: the asker's address and port, from the quad-100 address it asked. */
    private record Asker(Netstack stack, byte[] local, byte[] remote, int remotePort) {}

    private final List<DnsConfig.Resolver> userUpstreams;
    private volatile MagicDnsResolver resolver;
    private volatile DnsForwardRunner<Asker> forwarder;
    /** Queries whose handling threw (our bug): counted and logged rarely; the server answers the next. */
    private final DroppedInput drops = new DroppedInput(LOG, "DNS query");
    private final LongAdder queries = new LongAdder();

    /** A server that forwards only to the tailnet's resolvers. */
    public QuadHundredDnsServer() {
        this(List.of());
    }

    /** @param userUpstreams where names the tailnet's DNS config routes nowhere go, before its fallback resolvers */
    public QuadHundredDnsServer(List<InetSocketAddress> userUpstreams) {
        this.userUpstreams = userUpstreams.stream().map(a -> new DnsConfig.Resolver(
                "[" + io.microlink.AddressText.of(a.getAddress()) + "]:" + a.getPort())).toList();
    }

    /** The quad-100 addresses, which peers' MagicDNS settings point at. */
    public static List<InetAddress> addresses() {
        try {
            return List.of(InetAddress.getByName("100.100.100.100"), InetAddress.getByName("fd7a:115c:a1e0::53"));
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final byte[] QUAD_100_V4 = {100, 100, 100, 100};
    private static final byte[] QUAD_100_V6 = addresses().get(1).getAddress();

    /** Whether an IP packet is addressed to quad-100, judged from its header alone (the packet filter is not for it). */
    public static boolean isAddressedTo(byte[] packet, int off, int len) {
        return IpHeader.destinationIs(packet, off, len, QUAD_100_V4) || IpHeader.destinationIs(packet, off, len, QUAD_100_V6);
    }

    /** Serves on {@code stack}, asking resolvers on tailnet addresses through it. */
    public void attach(Netstack stack) {
        attach(stack, UpstreamSockets::isTailnetAddress);
    }

    /**
     * Serves on {@code stack}; upstream resolvers whose address {@code viaNetstack} accepts are
     * asked through it (the tailnet), the rest through the host's sockets.
     */
    public void attach(Netstack stack, Predicate<InetAddress> viaNetstack) {
        forwarder = new DnsForwardRunner<>(DnsForwarder.Limits.DEFAULT, UpstreamSockets.splitBy(stack, viaNetstack),
                (asker, answer) -> asker.stack().sendUdp(asker.local(), PORT, asker.remote(), asker.remotePort(),
                        answer, 0, answer.length));
        addresses().forEach(a -> stack.addUdpService(a, PORT, this));
    }

    /** Answers from this netmap from now on. */
    public void update(Netmap netmap) {
        resolver = MagicDnsResolver.of(netmap, Instant.now(), userUpstreams);
    }

    /** Answers one query; one whose handling throws is dropped and counted, never thrown into the caller's receive path. */
    @Override
    public void handle(Netstack stack, IpPacket packet, UdpDatagram datagram) {
        queries.increment();
        try {
            answer(stack, packet, datagram);
        } catch (RuntimeException e) {
            drops.record(e);
        }
    }

    /** Queries that reached this server, answered or not. */
    public long queries() {
        return queries.sum();
    }

    /** Queries dropped because handling them threw. */
    long dropped() {
        return drops.total();
    }

    /** Queries not forwarded because as many as allowed were in flight already. */
    long forwardsRefused() {
        return forwarder.refused();
    }

    private void answer(Netstack stack, IpPacket packet, UdpDatagram datagram) {
        MagicDnsResolver r = resolver;
        if (r == null) {
            return; // no netmap yet: stay silent, the client retries
        }
        byte[] query = Arrays.copyOfRange(datagram.buffer(), datagram.payloadOffset(),
                datagram.payloadOffset() + datagram.payloadLength());
        switch (r.respond(query, MagicDnsResolver.Transport.UDP)) {
            case DnsOutcome.Answer a -> reply(stack, packet, datagram, a.message());
            case DnsOutcome.Forward f -> {
                int limit = Math.min(udpLimit(query), MagicDnsResolver.MAX_RESPONSE_BYTES);
                List<InetSocketAddress> upstreams = f.resolvers().stream().map(x -> plainAddress(x.addr()))
                        .flatMap(Optional::stream).filter(x -> !addresses().contains(x.getAddress())).toList();
                forwarder.query(new Asker(stack, packet.destination(), packet.source(), datagram.sourcePort()), query,
                        limit, upstreams);
            }
        }
    }

    private static void reply(Netstack stack, IpPacket packet, UdpDatagram datagram, byte[] answer) {
        stack.sendUdp(packet.destination(), PORT, packet.source(), datagram.sourcePort(), answer, 0, answer.length);
    }

    /** The client's UDP payload size; the resolver parsed the query before it said to forward it. */
    private static int udpLimit(byte[] query) {
        try {
            return DnsMessage.parse(query).udpPayloadLimit();
        } catch (DnsFormatException e) {
            return DnsMessage.CLASSIC_UDP_LIMIT;
        }
    }

    /** "1.1.1.1", "1.1.1.1:53", "[2606:4700::1111]:53" or a bare IPv6 literal; anything else (DoH URLs) is skipped. */
    static Optional<InetSocketAddress> plainAddress(String addr) {
        return io.microlink.AddressText.socketAddress(addr, PORT);
    }
}
