package io.microlink.dns;

import io.microlink.netstack.socket.TailnetDatagramSocket;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * Looks a name up through this node's own DNS, quad-100, as the node's own sockets reach it:
 * so a name outside the tailnet goes where MagicDNS forwards it (the tailnet's resolvers, or the
 * exit node's DNS while an exit node is in use, or the user's upstreams), never to the host's
 * resolver. An A and an AAAA query leave together from one socket of the node, each under a
 * random ID, and are sent again once if half the time passed without an answer; an answer counts
 * only from quad-100, with its query's ID and question. The addresses come IPv4 first.
 *
 * <pre>{@code
 * try (TailnetDatagramSocket s = netstack.bindUdp(0)) {
 *     List<InetAddress> a = NodeNameLookup.lookup(s, "example.com", Duration.ofSeconds(4));
 * }
 * }</pre>
 */
public final class NodeNameLookup {
    private static final InetSocketAddress QUAD_100 =
            new InetSocketAddress(QuadHundredDnsServer.addresses().getFirst(), QuadHundredDnsServer.PORT);
    private static final RandomGenerator IDS = new SecureRandom();

    private NodeNameLookup() {}

    /**
     * @param socket  a UDP socket of the node, used for this lookup alone
     * @param name    a DNS name (a trailing dot is optional)
     * @param timeout how long to wait for both answers
     * @return the name's addresses, IPv4 first
     * @throws UnknownHostException when the name has no address, or no answer came in time
     */
    public static List<InetAddress> lookup(TailnetDatagramSocket socket, String name, Duration timeout)
            throws IOException {
        String fqdn = name.endsWith(".") ? name : name + ".";
        int[] types = {DnsType.A, DnsType.AAAA};
        byte[][] queries = new byte[2][];
        int[] ids = new int[2];
        for (int i = 0; i < 2; i++) {
            ids[i] = IDS.nextInt(0x10000);
            queries[i] = query(ids[i], fqdn, types[i]);
        }
        List<List<InetAddress>> found = new ArrayList<>(List.of(new ArrayList<>(), new ArrayList<>()));
        boolean[] answered = new boolean[2];
        int lastRcode = DnsRcode.NOERROR;
        long start = System.nanoTime();
        long end = start + timeout.toNanos();
        boolean resent = false;
        send(socket, queries, answered);
        while (!(answered[0] && answered[1])) {
            long now = System.nanoTime();
            if (now >= end) {
                break;
            }
            if (!resent && now - start > timeout.toNanos() / 2) {
                resent = true;
                send(socket, queries, answered);
            }
            long wait = resent ? end - now : Math.min(end - now, start + timeout.toNanos() / 2 - now);
            TailnetDatagramSocket.Datagram d = socket.receive(Duration.ofNanos(Math.max(1_000_000, wait)));
            if (d == null || !d.sender().equals(QUAD_100)) {
                continue;
            }
            for (int i = 0; i < 2; i++) {
                Optional<DnsMessage> m = matching(d.data(), ids[i], fqdn, types[i]);
                if (m.isPresent() && !answered[i]) {
                    answered[i] = true;
                    lastRcode = m.get().header().rcode() == DnsRcode.NOERROR ? lastRcode : m.get().header().rcode();
                    for (DnsRecord r : m.get().answers()) {
                        if (r.type() == types[i] && r.data() instanceof DnsRdata.Address a) {
                            found.get(i).add(a.address());
                        }
                    }
                }
            }
        }
        List<InetAddress> all = new ArrayList<>(found.get(0));
        all.addAll(found.get(1));
        if (!all.isEmpty()) {
            return all;
        }
        throw new UnknownHostException(!answered[0] && !answered[1]
                ? name + ": no answer from this node's DNS in " + timeout.toMillis() + " ms"
                : name + ": this node's DNS has no address for it (" + rcodeText(lastRcode) + ")");
    }

    private static void send(TailnetDatagramSocket socket, byte[][] queries, boolean[] answered) throws IOException {
        for (int i = 0; i < queries.length; i++) {
            if (!answered[i]) {
                socket.send(QUAD_100, queries[i]);
            }
        }
    }

    static byte[] query(int id, String fqdn, int type) {
        return new DnsMessage(DnsHeader.query(id), List.of(new DnsQuestion(fqdn, type, DnsClass.IN)), List.of(),
                List.of(), List.of()).encode(DnsMessage.CLASSIC_UDP_LIMIT);
    }

    /** The answer to query {@code id}, if {@code wire} is one: a response with that ID and question. */
    static Optional<DnsMessage> matching(byte[] wire, int id, String fqdn, int type) {
        try {
            DnsMessage m = DnsMessage.parse(wire);
            if (!m.header().response() || m.header().id() != id || m.questions().size() != 1) {
                return Optional.empty();
            }
            DnsQuestion q = m.questions().getFirst();
            return q.type() == type && DnsNames.canonical(q.name()).equals(DnsNames.canonical(fqdn))
                    ? Optional.of(m) : Optional.empty();
        } catch (DnsFormatException e) {
            return Optional.empty();
        }
    }

    private static String rcodeText(int rcode) {
        return switch (rcode) {
            case DnsRcode.NOERROR -> "no address records";
            case DnsRcode.NXDOMAIN -> "no such name";
            case DnsRcode.SERVFAIL -> "the resolvers failed";
            case DnsRcode.REFUSED -> "refused";
            default -> "rcode " + rcode;
        };
    }
}
