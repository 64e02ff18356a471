package io.microlink.dns;

import io.microlink.netstack.DroppedInput;
import io.microlink.netstack.ip.IpPacket;
import io.microlink.netstack.socket.Netstack;
import io.microlink.netstack.socket.TailnetServerSocket;
import io.microlink.netstack.socket.TailnetSocket;
import io.microlink.netstack.udp.UdpDatagram;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * MagicDNS over UDP port 53 on whatever addresses of a netstack it is added to (and over TCP
 * with {@link #serveTcp}): each query is
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

    /** TCP clients connected at once; more are closed as they arrive. */
    static final int MAX_TCP_CLIENTS = 64;
    /**
     * A TCP client that sends no query for this long is closed (RFC 7766 asks for seconds); longer
     * than a forwarded query can take, so an answer still finds its client.
     */
    static final Duration TCP_IDLE = Duration.ofSeconds(15);
    private static final int TCP_BACKLOG = 16;
    /** What a client over TCP takes: any message its 2-byte length can frame. */
    private static final int MAX_TCP_MESSAGE = 0xFFFF;

    /** Where an answer goes. */
    private sealed interface Asker {}

    /** A UDP client: its address and port, answered from the address it asked. */
    private record UdpAsker(Netstack stack, byte[] local, byte[] remote, int remotePort) implements Asker {}

    /** A TCP client's connection; answers go on it one whole message at a time. */
    private record TcpAsker(StreamExchange connection) implements Asker {}

    private final Supplier<MagicDnsResolver> resolver;
    private final Set<InetAddress> own;
    private final DnsForwardRunner<Asker> forwarder;
    /** Queries whose handling threw (our bug): counted and logged rarely; the server answers the next. */
    private final DroppedInput drops = new DroppedInput(LOG, "DNS query");
    private final LongAdder queries = new LongAdder();
    private final LongAdder tcpRefused = new LongAdder();

    /**
     * @param resolver the resolver of the moment; null from it means no netmap yet (stay silent: the client retries)
     * @param sockets  how upstream resolvers are reached
     * @param own      the addresses this server answers on, never forwarded to (it would ask itself)
     */
    public MagicDnsServer(Supplier<MagicDnsResolver> resolver, UpstreamSockets sockets, Set<InetAddress> own) {
        this.resolver = resolver;
        this.own = Set.copyOf(own);
        this.forwarder = new DnsForwardRunner<>(DnsForwarder.Limits.DEFAULT, sockets, MagicDnsServer::send);
    }

    private static void send(Asker asker, byte[] answer) throws IOException {
        switch (asker) {
            case UdpAsker u -> u.stack().sendUdp(u.local(), PORT, u.remote(), u.remotePort(), answer, 0, answer.length);
            case TcpAsker t -> {
                synchronized (t.connection()) {
                    t.connection().send(answer);
                }
            }
        }
    }

    /**
     * Answers DNS over TCP too, on port 53 of {@code stack}'s own addresses, until the stack
     * closes: at most {@value #MAX_TCP_CLIENTS} clients at once, each closed after
     * {@link #TCP_IDLE} without a query. A client that got a truncated answer over UDP asks here.
     *
     * @throws IOException when port 53 is taken on the stack
     */
    public void serveTcp(Netstack stack) throws IOException {
        TailnetServerSocket listener = stack.listen(PORT, TCP_BACKLOG);
        Thread.ofVirtual().name("microlink-dns-tcp").start(() -> accept(listener));
    }

    private void accept(TailnetServerSocket listener) {
        AtomicInteger clients = new AtomicInteger();
        while (true) {
            TailnetSocket socket;
            try {
                socket = listener.accept();
            } catch (IOException e) {
                return; // the stack closed
            }
            if (clients.incrementAndGet() > MAX_TCP_CLIENTS) {
                clients.decrementAndGet();
                tcpRefused.increment();
                socket.close();
                continue;
            }
            Thread.ofVirtual().name("microlink-dns-tcp-client").start(() -> {
                try {
                    serve(new StreamExchange(socket));
                } finally {
                    clients.decrementAndGet();
                }
            });
        }
    }

    /** One TCP client's queries, answered in turn (forwarded ones when they come), until it goes quiet or away. */
    private void serve(StreamExchange connection) {
        try (connection) {
            UpstreamSockets.Received query;
            while ((query = connection.receive(TCP_IDLE)) != null) {
                queries.increment();
                try {
                    answer(query.message(), MagicDnsResolver.Transport.TCP, new TcpAsker(connection), MAX_TCP_MESSAGE);
                } catch (UncheckedIOException e) {
                    return; // the client went away before its answer: not a fault of ours
                } catch (RuntimeException e) {
                    drops.record(e);
                }
            }
        } catch (IOException e) {
            // the client went away or sent half a message: nothing to answer
        }
    }

    /** Clients refused because {@value #MAX_TCP_CLIENTS} were connected. */
    public long tcpRefused() {
        return tcpRefused.sum();
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
        byte[] query = Arrays.copyOfRange(datagram.buffer(), datagram.payloadOffset(),
                datagram.payloadOffset() + datagram.payloadLength());
        answer(query, MagicDnsResolver.Transport.UDP,
                new UdpAsker(stack, packet.destination(), packet.source(), datagram.sourcePort()),
                Math.min(udpLimit(query), MagicDnsResolver.MAX_RESPONSE_BYTES));
    }

    /** Answers from the resolver, or forwards; {@code limit} is the largest answer the client takes. */
    private void answer(byte[] query, MagicDnsResolver.Transport transport, Asker asker, int limit) {
        MagicDnsResolver r = resolver.get();
        if (r == null) {
            return;
        }
        switch (r.respond(query, transport)) {
            case DnsOutcome.Answer a -> {
                try {
                    send(asker, a.message());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            case DnsOutcome.Forward f -> {
                List<InetSocketAddress> upstreams = f.resolvers().stream().map(x -> upstream(x.addr(), r))
                        .flatMap(Optional::stream).filter(x -> !own.contains(x.getAddress())).toList();
                forwarder.query(asker, query, limit, upstreams);
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

    /** A plain resolver address, or the URL of the resolver's exit node DoH endpoint; other DoH URLs are skipped. */
    private static Optional<InetSocketAddress> upstream(String addr, MagicDnsResolver r) {
        return plainAddress(addr).or(() -> r.exitNodeDoh().filter(e -> ExitNodeDoh.url(e).equals(addr)));
    }

    /** "1.1.1.1", "1.1.1.1:53", "[2606:4700::1111]:53" or a bare IPv6 literal; anything else (DoH URLs) is skipped. */
    static Optional<InetSocketAddress> plainAddress(String addr) {
        return io.microlink.AddressText.socketAddress(addr, PORT);
    }
}
