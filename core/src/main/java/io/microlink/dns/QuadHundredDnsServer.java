package io.microlink.dns;

import io.microlink.control.wire.DnsConfig;
import io.microlink.netmap.Netmap;
import io.microlink.netstack.DroppedInput;
import io.microlink.netstack.ip.IpHeader;
import io.microlink.netstack.ip.IpPacket;
import io.microlink.netstack.socket.Netstack;
import io.microlink.netstack.udp.UdpDatagram;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * MagicDNS at 100.100.100.100 and fd7a:115c:a1e0::53, port 53 over UDP, inside the netstack:
 * tailnet names are answered from the current netmap; other names go to the tailnet's
 * resolvers (plain {@code ip} or {@code ip:port} ones; DNS-over-HTTPS resolvers are not
 * supported yet) over the host's network, and the answer is relayed back.
 *
 * <pre>{@code
 * QuadHundredDnsServer dns = new QuadHundredDnsServer();
 * dns.attach(netstack);
 * dns.update(netmap); // on every netmap
 * }</pre>
 */
public final class QuadHundredDnsServer implements Netstack.UdpService {
    private static final System.Logger LOG = System.getLogger("io.microlink.dns");
    public static final int PORT = 53;
    private static final int FORWARD_TIMEOUT_MILLIS = 2000;
    private static final int MAX_RESPONSE = 4095;
    /**
     * Queries forwarded to the tailnet's resolvers at once, each with its own socket for up to
     * {@value #FORWARD_TIMEOUT_MILLIS} ms per resolver: without a bound, a peer sending queries
     * for names nobody answers would hold a thread and a socket per query.
     */
    static final int MAX_FORWARDS_IN_FLIGHT = 128;

    private volatile MagicDnsResolver resolver;
    /** Queries whose handling threw (our bug): counted and logged rarely; the server answers the next. */
    private final DroppedInput drops = new DroppedInput(LOG, "DNS query");
    private final Semaphore forwards = new Semaphore(MAX_FORWARDS_IN_FLIGHT);
    /** Queries not forwarded because {@link #MAX_FORWARDS_IN_FLIGHT} were in flight; the client retries. */
    private final AtomicLong forwardsRefused = new AtomicLong();

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

    public void attach(Netstack stack) {
        addresses().forEach(a -> stack.addUdpService(a, PORT, this));
    }

    /** Answers from this netmap from now on. */
    public void update(Netmap netmap) {
        resolver = MagicDnsResolver.of(netmap, Instant.now());
    }

    /** Answers one query; one whose handling throws is dropped and counted, never thrown into the caller's receive path. */
    @Override
    public void handle(Netstack stack, IpPacket packet, UdpDatagram datagram) {
        try {
            answer(stack, packet, datagram);
        } catch (RuntimeException e) {
            drops.record(e);
        }
    }

    /** Queries dropped because handling them threw. */
    long dropped() {
        return drops.total();
    }

    /** Queries not forwarded because as many as allowed were in flight already. */
    long forwardsRefused() {
        return forwardsRefused.get();
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
                if (!forwards.tryAcquire()) {
                    forwardsRefused.incrementAndGet();
                    return;
                }
                Thread.ofVirtual().name("microlink-dns-forward").start(() -> {
                    try {
                        forward(f.resolvers(), query).ifPresent(answer -> reply(stack, packet, datagram, answer));
                    } catch (RuntimeException e) {
                        drops.record(e);
                    } finally {
                        forwards.release();
                    }
                });
            }
        }
    }

    private static void reply(Netstack stack, IpPacket packet, UdpDatagram datagram, byte[] answer) {
        stack.sendUdp(packet.destination(), PORT, packet.source(), datagram.sourcePort(), answer, 0, answer.length);
    }

    private static Optional<byte[]> forward(List<DnsConfig.Resolver> resolvers, byte[] query) {
        for (DnsConfig.Resolver resolver : resolvers) {
            Optional<InetSocketAddress> to = plainAddress(resolver.addr());
            if (to.isEmpty()) {
                continue;
            }
            try (DatagramSocket udp = new DatagramSocket()) {
                udp.setSoTimeout(FORWARD_TIMEOUT_MILLIS);
                udp.send(new DatagramPacket(query, query.length, to.get()));
                byte[] buf = new byte[MAX_RESPONSE];
                DatagramPacket in = new DatagramPacket(buf, buf.length);
                udp.receive(in);
                return Optional.of(Arrays.copyOf(buf, in.getLength()));
            } catch (IOException e) {
                LOG.log(Level.DEBUG, "resolver {0} did not answer: {1}", resolver.addr(), e.getMessage());
            }
        }
        return Optional.empty();
    }

    /** "1.1.1.1", "1.1.1.1:53", "[2606:4700::1111]:53" or a bare IPv6 literal; anything else (DoH URLs) is skipped. */
    static Optional<InetSocketAddress> plainAddress(String addr) {
        if (addr == null || addr.contains("/")) {
            return Optional.empty();
        }
        String host = addr;
        int port = PORT;
        try {
            if (addr.startsWith("[") && addr.contains("]:")) {
                host = addr.substring(1, addr.indexOf(']'));
                port = Integer.parseInt(addr.substring(addr.indexOf("]:") + 2));
            } else if (addr.indexOf(':') > 0 && addr.indexOf(':') == addr.lastIndexOf(':')) {
                host = addr.substring(0, addr.indexOf(':'));
                port = Integer.parseInt(addr.substring(addr.indexOf(':') + 1));
            }
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        if (port < 1 || port > 65535) {
            return Optional.empty();
        }
        if (!host.matches("[0-9.]+|[0-9a-fA-F:]+")) {
            return Optional.empty(); // a name would need a lookup through the very resolver being configured
        }
        try {
            return Optional.of(new InetSocketAddress(InetAddress.getByName(host), port));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }
}
