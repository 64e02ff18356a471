package io.microlink.interop.soak;

import io.microlink.AddressText;
import io.microlink.TailnetNode;
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
     * A peer's MagicDNS name through the node's resolver, checked against the address the peer
     * itself reports. (Not a DNS packet: in userspace mode the node's own sockets do not reach
     * its quad-100, which answers the OS in TUN mode and peers.)
     */
    private void dns(Tailscaled peer) {
        try {
            String fqdn = node.tailnet().find(peer.hostname()).orElseThrow().fqdn();
            List<String> got = node.resolve(fqdn).stream().map(AddressText::of).toList();
            if (got.isEmpty() || !peer.ip().containsAll(got)) {
                throw new IllegalStateException(fqdn + " resolved to " + got + ", the peer says " + peer.ip());
            }
            dnsAnswered.incrementAndGet();
        } catch (IOException | RuntimeException e) {
            note("dns", e);
            dnsFailed.incrementAndGet();
        }
    }

    @Override
    public void close() throws IOException {
        udpEcho.close();
        bytes.close();
    }
}
