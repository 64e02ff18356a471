package io.microlink.peerapi;

import static org.assertj.core.api.Assertions.assertThat;

import io.microlink.dns.ExitDnsForwarder;
import io.microlink.dns.UpstreamSockets;
import io.microlink.netstack.Headroom;
import io.microlink.netstack.socket.Netstack;
import io.microlink.netstack.socket.TailnetSocket;
import io.microlink.netstack.tcp.TcpConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The peerAPI between two userspace stacks: a peer's requests to the exit node's port, answered
 * by a stand-in resolver that echoes each query as an empty answer.
 */
class PeerApiServerTest {
    private static final InetAddress PEER = InetAddress.ofLiteral("100.64.0.2");
    private static final InetAddress OTHER_PEER = InetAddress.ofLiteral("100.64.0.3");
    private static final InetAddress EXIT = InetAddress.ofLiteral("100.64.0.7");
    private static final InetSocketAddress RESOLVER = new InetSocketAddress("192.0.2.53", 53);
    private static final byte[] QUERY = {0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 3, 'w', 'w', 'w', 0, 0, 1, 0, 1};
    private final ExecutorService toServer = Executors.newSingleThreadExecutor();
    private final ExecutorService toClient = Executors.newSingleThreadExecutor();
    private final Netstack[] stacks = new Netstack[2];
    private final Netstack client = stacks[0] = wired(toServer, 1);
    private final Netstack server = stacks[1] = wired(toClient, 0);
    private final AtomicInteger asked = new AtomicInteger();
    private PeerApiServer api;

    private Netstack wired(ExecutorService delivery, int to) {
        return new Netstack(TcpConfig.defaults(), (buf, off, len) -> {
            byte[] p = Arrays.copyOfRange(buf, off, off + len);
            delivery.execute(() -> stacks[to].inbound(p, 0, p.length));
        }, Headroom.NONE);
    }

    /** A resolver that answers every query with itself, flagged as a response. */
    private UpstreamSockets echoingResolver() {
        return (upstream, transport, timeout) -> new UpstreamSockets.Exchange() {
            private byte[] sent;

            @Override
            public void send(byte[] message) {
                asked.incrementAndGet();
                sent = message.clone();
            }

            @Override
            public UpstreamSockets.Received receive(Duration t) {
                byte[] answer = sent.clone();
                answer[2] |= (byte) 0x80;
                return new UpstreamSockets.Received(upstream, answer);
            }

            @Override
            public void close() {}
        };
    }

    private void start(InetAddress clientAddress, boolean allowed) throws IOException {
        client.setAddresses(List.of(clientAddress));
        server.setAddresses(List.of(EXIT));
        api = PeerApiServer.start(server, EXIT, EXIT::equals, peer -> allowed,
                new ExitDnsForwarder(() -> List.of(RESOLVER), echoingResolver()));
    }

    @AfterEach
    void close() {
        if (api != null) {
            api.close();
        }
        toServer.shutdownNow();
        toClient.shutdownNow();
        client.close();
        server.close();
    }

    private static byte[] post(boolean close) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("POST /dns-query HTTP/1.1\r\nHost: 100.64.0.7:" + PeerApiServer.port(EXIT, 0)
                + "\r\nContent-Type: application/dns-message\r\nContent-Length: " + QUERY.length + "\r\n"
                + (close ? "Connection: close\r\n" : "") + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(QUERY);
        return out.toByteArray();
    }

    /** One response: its head as text and its body, read by its Content-Length. */
    private static String[] response(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            head.append((char) b);
        }
        int length = Integer.parseInt(head.toString().replaceAll("(?s).*Content-Length: ([0-9]+).*", "$1"));
        return new String[] {head.toString(), new String(in.readNBytes(length), StandardCharsets.ISO_8859_1)};
    }

    @Test
    void anAllowedPeerGetsAnswersOnOneKeptAliveConnection() throws IOException {
        start(PEER, true);
        assertThat(api.port()).as("tailscale's port for the address").isEqualTo(PeerApiServer.port(EXIT, 0));
        try (TailnetSocket s = client.connect(EXIT, api.port(), 10_000)) {
            s.setSoTimeout(10_000);
            for (int i = 0; i < 2; i++) {
                s.getOutputStream().write(post(i == 1));
                String[] r = response(s.getInputStream());
                assertThat(r[0]).startsWith("HTTP/1.1 200 OK\r\n").contains("Content-Type: application/dns-message\r\n");
                byte[] answer = r[1].getBytes(StandardCharsets.ISO_8859_1);
                assertThat(answer[0]).isEqualTo((byte) 0x12);
                assertThat(answer[2] & 0x80).as("a response").isNotZero();
            }
            assertThat(s.getInputStream().read()).as("closed after Connection: close").isEqualTo(-1);
        }
        assertThat(api.answered()).isEqualTo(2);
        assertThat(asked.get()).as("the second came from the forwarder's cache or the resolver").isBetween(1, 2);
    }

    @Test
    void aPeerNotAllowedGets403AndTheResolverIsNotAsked() throws IOException {
        start(OTHER_PEER, false);
        try (TailnetSocket s = client.connect(EXIT, api.port(), 10_000)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(post(false));
            String[] r = response(s.getInputStream());
            assertThat(r[0]).startsWith("HTTP/1.1 403 Forbidden\r\n").contains("Connection: close\r\n");
            assertThat(r[1]).isEqualTo("DNS access denied\n");
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
        assertThat(api.denied()).isEqualTo(1);
        assertThat(asked.get()).isZero();
    }

    @Test
    void connectionsPastOnePeersShareAreClosedOnArrival() throws IOException {
        start(PEER, true);
        List<TailnetSocket> held = new ArrayList<>();
        try {
            for (int i = 0; i < PeerApiServer.MAX_PER_PEER; i++) {
                held.add(client.connect(EXIT, api.port(), 10_000));
            }
            try (TailnetSocket extra = client.connect(EXIT, api.port(), 10_000)) {
                extra.setSoTimeout(10_000);
                assertThat(extra.getInputStream().read()).isEqualTo(-1);
            }
            assertThat(api.connectionsRefused()).isEqualTo(1);
            TailnetSocket first = held.getFirst();
            first.setSoTimeout(10_000);
            first.getOutputStream().write(post(true));
            assertThat(response(first.getInputStream())[0]).startsWith("HTTP/1.1 200");
        } finally {
            for (TailnetSocket s : held) {
                s.close();
            }
        }
    }
}
