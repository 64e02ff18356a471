package io.microlink.dns;

import static org.assertj.core.api.Assertions.assertThat;

import io.microlink.netstack.Headroom;
import io.microlink.netstack.socket.Netstack;
import io.microlink.netstack.socket.TailnetSocket;
import io.microlink.netstack.tcp.TcpConfig;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** MagicDNS over TCP between two userspace stacks: a client's connection to port 53 of the server's address. */
class MagicDnsServerTcpTest {
    private static final InetAddress CLIENT = InetAddress.ofLiteral("fd7a:115c:a1e0:9909::2");
    private static final InetAddress SERVER = InetAddress.ofLiteral("fd7a:115c:a1e0:9909::1");
    private final ExecutorService toServer = Executors.newSingleThreadExecutor();
    private final ExecutorService toClient = Executors.newSingleThreadExecutor();
    private final Netstack[] stacks = new Netstack[2];
    private final Netstack client = stacks[0] = wired(toServer, 1);
    private final Netstack server = stacks[1] = wired(toClient, 0);
    private final MagicDnsServer dns = new MagicDnsServer(
            NodeDns.following(TestNetmaps::standard, true, List.of()), UpstreamSockets.os(), Set.of(SERVER));

    private Netstack wired(ExecutorService delivery, int to) {
        return new Netstack(TcpConfig.defaults(), (buf, off, len) -> {
            byte[] p = Arrays.copyOfRange(buf, off, off + len);
            delivery.execute(() -> stacks[to].inbound(p, 0, p.length));
        }, Headroom.NONE);
    }

    @AfterEach
    void close() {
        toServer.shutdownNow();
        toClient.shutdownNow();
        client.close();
        server.close();
    }

    @Test
    void queriesOnOneConnectionAreAnsweredInTurnFromTheNetmap() throws Exception {
        start();
        try (TailnetSocket s = client.connect(SERVER, 53, 10_000)) {
            s.setSoTimeout(10_000);
            for (int id = 1; id <= 2; id++) {
                send(s, id, "ts2.tailnet.test.");
                DnsMessage answer = receive(s);
                assertThat(answer.header().id()).isEqualTo(id);
                assertThat(answer.answers()).singleElement().satisfies(r -> assertThat(
                        ((DnsRdata.Address) r.data()).address()).isEqualTo(InetAddress.ofLiteral("100.64.0.2")));
            }
        }
        assertThat(dns.queries()).isEqualTo(2);
    }

    @Test
    void clientsPastTheLimitAreClosedAndCounted() throws Exception {
        start();
        List<TailnetSocket> held = new ArrayList<>();
        try {
            for (int i = 0; i < MagicDnsServer.MAX_TCP_CLIENTS; i++) {
                held.add(client.connect(SERVER, 53, 10_000));
            }
            try (TailnetSocket extra = client.connect(SERVER, 53, 10_000)) {
                extra.setSoTimeout(10_000);
                assertThat(extra.getInputStream().read()).as("closed at once").isEqualTo(-1);
            }
            assertThat(dns.tcpRefused()).isEqualTo(1);
            TailnetSocket first = held.getFirst();
            first.setSoTimeout(10_000);
            send(first, 9, "ts2.");
            assertThat(receive(first).header().id()).as("the clients within the limit are answered").isEqualTo(9);
        } finally {
            held.forEach(TailnetSocket::close);
        }
    }

    private void start() throws Exception {
        client.setAddresses(List.of(CLIENT));
        server.setAddresses(List.of(SERVER));
        dns.serveTcp(server);
    }

    private static void send(TailnetSocket s, int id, String name) throws Exception {
        byte[] query = new DnsMessage(DnsHeader.query(id), List.of(new DnsQuestion(name, DnsType.A, DnsClass.IN)),
                List.of(), List.of(), List.of()).encode(512);
        DataOutputStream out = new DataOutputStream(s.getOutputStream());
        out.writeShort(query.length);
        out.write(query);
        out.flush();
    }

    private static DnsMessage receive(TailnetSocket s) throws Exception {
        DataInputStream in = new DataInputStream(s.getInputStream());
        byte[] message = new byte[in.readUnsignedShort()];
        in.readFully(message);
        return DnsMessage.parse(message);
    }
}
