package io.microlink.interop.soak;

import io.microlink.AddressText;
import io.microlink.TailnetNode;
import io.microlink.dns.DnsClass;
import io.microlink.dns.DnsFormatException;
import io.microlink.dns.DnsHeader;
import io.microlink.dns.DnsMessage;
import io.microlink.dns.DnsQuestion;
import io.microlink.dns.DnsRdata;
import io.microlink.dns.DnsRecord;
import io.microlink.dns.DnsType;
import io.microlink.interop.ByteServer;
import io.microlink.interop.Socks5UdpAssociation;
import io.microlink.interop.Tailscaled;
import io.microlink.netstack.socket.TailnetDatagramSocket;
import io.microlink.netstack.socket.TailnetSocket;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The soak's mixed traffic between the Java node and its real peers, one round at a time:
 * verified TCP transfers both ways to each peer (one direct, one through a relay), UDP echoes
 * from a peer, ICMP echoes and MagicDNS name lookups. A transfer whose SHA-256 differs
 * is corruption and counts apart from one a restart interrupted.
 */
final class SoakTraffic implements AutoCloseable {
    static final int UDP_ECHO_PORT = 7200;
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final int UDP_PER_ROUND = 10;
    private static final InetSocketAddress QUAD_100 = new InetSocketAddress("100.100.100.100", 53);

    /** Totals since the start. */
    record Counts(long tcpVerified, long tcpFailed, long tcpCorrupt, long udpSent, long udpEchoed,
                  long icmpAnswered, long icmpFailed, long dnsAnswered, long dnsFailed) {}

    private final TailnetNode node;
    private final Tailscaled direct;
    private final Tailscaled relayed;
    private final long directBytes;
    private final ByteServer bytes = new ByteServer();
    private final TailnetDatagramSocket udpEcho;
    private final AtomicLong tcpVerified = new AtomicLong(), tcpFailed = new AtomicLong(), tcpCorrupt = new AtomicLong(),
            udpSent = new AtomicLong(), udpEchoed = new AtomicLong(), icmpAnswered = new AtomicLong(),
            icmpFailed = new AtomicLong(), dnsAnswered = new AtomicLong(), dnsFailed = new AtomicLong();
    private final Map<String, Long> failures = new TreeMap<>();
    private long seed;
    private IOException lastFailure;

    SoakTraffic(TailnetNode node, Tailscaled direct, Tailscaled relayed, long directBytes) throws IOException {
        this.node = node;
        this.direct = direct;
        this.relayed = relayed;
        this.directBytes = directBytes;
        this.udpEcho = node.bindUdp(UDP_ECHO_PORT);
        udpEcho.onReceive(d -> {
            try {
                udpEcho.send(d.sender(), d.data());
            } catch (IOException e) {
                // lost, as UDP may be; the sender counts what came back
            }
        });
    }

    /** One round of every kind of traffic. */
    void round() {
        tcp(direct, directBytes);
        tcp(relayed, directBytes / 8);
        udp();
        icmp(direct);
        icmp(relayed);
        dns(direct);
        dns(relayed);
    }

    Counts counts() {
        return new Counts(tcpVerified.get(), tcpFailed.get(), tcpCorrupt.get(), udpSent.get(), udpEchoed.get(),
                icmpAnswered.get(), icmpFailed.get(), dnsAnswered.get(), dnsFailed.get());
    }

    /** The last transfer that failed (not corrupted), for the report; null if none. */
    synchronized IOException lastFailure() {
        return lastFailure;
    }

    private void tcp(Tailscaled peer, long length) {
        long s = ++seed;
        String expected = ByteServer.expectedDigest(length, s);
        for (boolean upload : new boolean[] {true, false}) {
            try (TailnetSocket socket = node.dial(peer.hostname(), bytes.port(), TIMEOUT)) {
                socket.setSoTimeout((int) TIMEOUT.toMillis());
                String got = ByteServer.transfer(socket.getInputStream(), socket.getOutputStream(), upload, length, s);
                (got.equals(expected) ? tcpVerified : tcpCorrupt).incrementAndGet();
            } catch (IOException e) {
                failed(e);
            }
        }
    }

    /** How many of each kind of failure, e.g. {@code "tcp: SocketTimeoutException: ..."}, for the report. */
    synchronized Map<String, Long> failures() {
        return new TreeMap<>(failures);
    }

    private synchronized void note(String kind, Exception e) {
        String message = String.valueOf(e.getMessage());
        failures.merge(kind + ": " + e.getClass().getSimpleName() + ": "
                + message.substring(0, Math.min(80, message.length())), 1L, Long::sum);
    }

    private synchronized void failed(IOException e) {
        note("tcp", e);
        // ByteServer says so when an upload arrived other than sent: that is corruption too.
        (e.getMessage() != null && e.getMessage().contains("SHA-256 differs") ? tcpCorrupt : tcpFailed)
                .incrementAndGet();
        lastFailure = e;
    }

    /** Datagrams from the direct peer (through its SOCKS5 proxy) to the node's echo port and back. */
    private void udp() {
        String ip = AddressText.of(node.tailnet().self().orElseThrow().addresses().stream()
                .filter(a -> a instanceof Inet4Address).findFirst().orElseThrow());
        try (Socks5UdpAssociation association = Socks5UdpAssociation.open(direct.socks5Port())) {
            for (int i = 0; i < UDP_PER_ROUND; i++) {
                byte[] message = ("soak " + seed + " " + i).getBytes(StandardCharsets.UTF_8);
                association.send(new InetSocketAddress(ip, UDP_ECHO_PORT), message);
                udpSent.incrementAndGet();
                Socks5UdpAssociation.Reply reply = association.receive(Duration.ofSeconds(2));
                if (reply != null && Arrays.equals(reply.data(), message)) {
                    udpEchoed.incrementAndGet();
                }
            }
        } catch (IOException e) {
            // a lost datagram or association: counted by what did not come back
        }
    }

    private void icmp(Tailscaled peer) {
        try {
            node.icmpPing(peer.hostname(), Duration.ofSeconds(2));
            icmpAnswered.incrementAndGet();
        } catch (IOException | TimeoutException e) {
            note("icmp", e);
            icmpFailed.incrementAndGet();
        }
    }

    /**
     * A peer's MagicDNS name twice: through the node's resolver, and as a DNS packet from one of
     * the node's own UDP sockets to quad-100 (a new socket each time, as a stub resolver's
     * query would be). Both answers must be the addresses the peer itself reports.
     */
    private void dns(Tailscaled peer) {
        try {
            String fqdn = node.tailnet().find(peer.hostname()).orElseThrow().fqdn();
            List<String> got = node.resolve(fqdn).stream().map(AddressText::of).toList();
            List<String> asked = askQuadHundred(fqdn);
            if (got.isEmpty() || !peer.ip().containsAll(got) || asked.isEmpty() || !peer.ip().containsAll(asked)) {
                throw new IllegalStateException(fqdn + " resolved to " + got + ", quad-100 answered " + asked
                        + ", the peer says " + peer.ip());
            }
            dnsAnswered.incrementAndGet();
        } catch (IOException | RuntimeException e) {
            note("dns", e);
            dnsFailed.incrementAndGet();
        }
    }

    /** The A records quad-100 gives for {@code fqdn}; a lost or foreign answer is an IOException. */
    private List<String> askQuadHundred(String fqdn) throws IOException {
        int id = ThreadLocalRandom.current().nextInt(0x10000);
        byte[] query = new DnsMessage(DnsHeader.query(id), List.of(new DnsQuestion(fqdn.endsWith(".") ? fqdn : fqdn + ".", DnsType.A, DnsClass.IN)),
                List.of(), List.of(), List.of()).encode(512);
        try (TailnetDatagramSocket socket = node.bindUdp(0)) {
            socket.send(QUAD_100, query);
            TailnetDatagramSocket.Datagram reply = socket.receive(Duration.ofSeconds(2));
            if (reply == null) {
                throw new IOException("quad-100 did not answer within 2 s");
            }
            DnsMessage answer = DnsMessage.parse(reply.data());
            if (!reply.sender().equals(QUAD_100) || answer.header().id() != id) {
                throw new IOException("an answer not to our query, from " + reply.sender());
            }
            return answer.answers().stream().map(DnsRecord::data)
                    .<String>mapMulti((data, out) -> {
                        if (data instanceof DnsRdata.Address a) {
                            out.accept(AddressText.of(a.address()));
                        }
                    }).toList();
        } catch (DnsFormatException e) {
            throw new IOException("quad-100's answer does not parse: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() throws IOException {
        udpEcho.close();
        bytes.close();
    }
}
