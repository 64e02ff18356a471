package io.microlink.dns;

import io.microlink.netstack.DroppedInput;
import io.microlink.netstack.ip.IpPacket;
import io.microlink.netstack.socket.Netstack;
import io.microlink.netstack.udp.UdpDatagram;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * MagicDNS over UDP port 53 on whatever addresses of a netstack it is added to: each query is
 * answered by the current {@link MagicDnsResolver} or forwarded, through a
 * {@link DnsForwardRunner}, to the upstreams it names; the answer leaves from the address the
 * client asked. Quad-100 serves the node's peers with it, the LOPOWER bridge its devices.
 *
 * <pre>{@code
 * MagicDnsServer dns = new MagicDnsServer(() -> resolver, UpstreamSockets.os(), Set.of(listenAddress));
 * stack.addUdpService(listenAddress, MagicDnsServer.PORT, dns);
 * }</pre>
 */
public final class MagicDnsServer implements Netstack.UdpService {
    private static final System.Logger LOG = System.getLogger("io.microlink.dns");
    /** The DNS port. */
    public static final int PORT = 53;

    /** Where an answer goes: the asker's address and port, from the address it asked. */
    private record Asker(Netstack stack, byte[] local, byte[] remote, int remotePort) {}

    private final Supplier<MagicDnsResolver> resolver;
    private final Set<InetAddress> own;
    private final DnsForwardRunner<Asker> forwarder;
    /** Queries whose handling threw (our bug): counted and logged rarely; the server answers the next. */
    private final DroppedInput drops = new DroppedInput(LOG, "DNS query");
    private final LongAdder queries = new LongAdder();

    /**
     * @param resolver the resolver of the moment; null from it means no netmap yet (stay silent: the client retries)
     * @param sockets  how upstream resolvers are reached
     * @param own      the addresses this server answers on, never forwarded to (it would ask itself)
     */
    public MagicDnsServer(Supplier<MagicDnsResolver> resolver, UpstreamSockets sockets, Set<InetAddress> own) {
        this.resolver = resolver;
        this.own = Set.copyOf(own);
        this.forwarder = new DnsForwardRunner<>(DnsForwarder.Limits.DEFAULT, sockets,
                (asker, answer) -> asker.stack().sendUdp(asker.local(), PORT, asker.remote(), asker.remotePort(),
                        answer, 0, answer.length));
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
    public long dropped() {
        return drops.total();
    }

    /** Queries not forwarded because as many as allowed were in flight already. */
    public long forwardsRefused() {
        return forwarder.refused();
    }

    private void answer(Netstack stack, IpPacket packet, UdpDatagram datagram) {
        MagicDnsResolver r = resolver.get();
        if (r == null) {
            return;
        }
        byte[] query = Arrays.copyOfRange(datagram.buffer(), datagram.payloadOffset(),
                datagram.payloadOffset() + datagram.payloadLength());
        switch (r.respond(query, MagicDnsResolver.Transport.UDP)) {
            case DnsOutcome.Answer a -> stack.sendUdp(packet.destination(), PORT, packet.source(),
                    datagram.sourcePort(), a.message(), 0, a.message().length);
            case DnsOutcome.Forward f -> {
                int limit = Math.min(udpLimit(query), MagicDnsResolver.MAX_RESPONSE_BYTES);
                List<InetSocketAddress> upstreams = f.resolvers().stream().map(x -> plainAddress(x.addr()))
                        .flatMap(Optional::stream).filter(x -> !own.contains(x.getAddress())).toList();
                forwarder.query(new Asker(stack, packet.destination(), packet.source(), datagram.sourcePort()), query,
                        limit, upstreams);
            }
        }
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
