package io.microlink.web.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.microlink.netstack.socket.StreamListener;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The server over a real localhost socket: framing, keep-alive and every limit. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HttpServerTest {
    private HttpServer server;
    private int port;

    private void start(HttpServer.Limits limits, HttpHandler handler) throws IOException {
        server = new HttpServer(limits);
        ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        port = socket.getLocalPort();
        server.serve(StreamListener.of(socket), handler);
    }

    private static HttpServer.Limits limits(Duration idle, Duration request, int connections, boolean keepAlive) {
        return new HttpServer.Limits(1024, 1024, idle, request, connections, connections, keepAlive, 3);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private Socket connect() throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
        s.setSoTimeout(10_000);
        return s;
    }

    private static void send(Socket s, String raw) throws IOException {
        s.getOutputStream().write(raw.getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
    }

    /** Reads one response (head and Content-Length body) off the stream. */
    private static String response(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                return head.size() == 0 ? null : head.toString(StandardCharsets.ISO_8859_1);
            }
            head.write(b);
        }
        String h = head.toString(StandardCharsets.ISO_8859_1);
        int length = h.lines().filter(l -> l.startsWith("Content-Length: ")).map(l -> Integer.parseInt(l.substring(16)))
                .findFirst().orElse(0);
        return h + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    private static final HttpHandler ECHO = r -> HttpResponse.text(200, r.method() + " " + r.path() + " " + r.bodyText());

    @Test
    void keepAliveCarriesSeveralRequestsUpToThePerConnectionCap() throws IOException {
        start(limits(Duration.ofSeconds(5), Duration.ofSeconds(5), 4, true), ECHO);
        try (Socket s = connect()) {
            send(s, "GET /a HTTP/1.1\r\nHost: x\r\n\r\nPOST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi"
                    + "GET /c HTTP/1.1\r\nHost: x\r\n\r\nGET /d HTTP/1.1\r\nHost: x\r\n\r\n");
            InputStream in = s.getInputStream();
            String first = response(in);
            assertThat(first).startsWith("HTTP/1.1 200 OK\r\n").contains("Connection: keep-alive")
                    .contains("X-Content-Type-Options: nosniff").endsWith("GET /a ");
            assertThat(response(in)).endsWith("POST /b hi");
            assertThat(response(in)).contains("Connection: close").endsWith("GET /c ");
            assertThat(response(in)).as("third request was the last").isNull();
        }
    }

    @Test
    void withoutKeepAliveEveryConnectionCarriesOneRequest() throws IOException {
        start(limits(Duration.ofSeconds(5), Duration.ofSeconds(5), 4, false), ECHO);
        try (Socket s = connect()) {
            send(s, "GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(response(s.getInputStream())).contains("Connection: close").endsWith("GET /a ");
            assertThat(response(s.getInputStream())).isNull();
        }
    }

    @Test
    void headAnswersWithTheLengthButNoBody() throws IOException {
        start(limits(Duration.ofSeconds(5), Duration.ofSeconds(5), 4, true), ECHO);
        try (Socket s = connect()) {
            send(s, "HEAD /x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1))
                    .contains("Content-Length: 8").endsWith("\r\n\r\n");
        }
    }

    @Test
    void protocolErrorsAreJsonAndCloseTheConnection() throws IOException {
        start(limits(Duration.ofSeconds(5), Duration.ofSeconds(5), 4, true), ECHO);
        try (Socket s = connect()) {
            send(s, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n" + "x".repeat(5000));
            String r = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(r).startsWith("HTTP/1.1 413 ").contains("Content-Type: application/json")
                    .endsWith("{\"error\":\"request body is larger than 1024 bytes\"}");
        }
        try (Socket s = connect()) {
            send(s, "GET / HTTP/1.1\r\nHost: x\r\nX: " + "y".repeat(2000) + "\r\n\r\n");
            assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).startsWith("HTTP/1.1 431 ");
        }
        assertThat(server.refusedRequests()).as("requests refused before the handler").isEqualTo(2);
        assertThat(server.refusedConnections()).isZero();
    }

    @Test
    void expectContinueGetsAnInterimAnswerBeforeTheBody() throws IOException {
        start(limits(Duration.ofSeconds(5), Duration.ofSeconds(5), 4, true), ECHO);
        try (Socket s = connect()) {
            send(s, "POST /p HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n");
            assertThat(response(s.getInputStream())).startsWith("HTTP/1.1 100 Continue");
            send(s, "abc");
            assertThat(response(s.getInputStream())).endsWith("POST /p abc");
        }
    }

    @Test
    void handlerFailuresBecomeStatusesWithoutInternals() throws IOException {
        start(limits(Duration.ofSeconds(5), Duration.ofSeconds(5), 4, true), r -> {
            if (r.path().equals("/refuse")) {
                throw new HttpException(403, "not yours");
            }
            throw new IllegalStateException("secret internals");
        });
        try (Socket s = connect()) {
            send(s, "GET /refuse HTTP/1.1\r\nHost: x\r\n\r\nGET /boom HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(response(s.getInputStream())).startsWith("HTTP/1.1 403 ").endsWith("{\"error\":\"not yours\"}");
            assertThat(response(s.getInputStream())).startsWith("HTTP/1.1 500 ").doesNotContain("secret");
        }
    }

    @Test
    void anIdleConnectionIsClosedAfterTheIdleTimeout() throws IOException {
        start(limits(Duration.ofMillis(300), Duration.ofSeconds(5), 4, true), ECHO);
        try (Socket s = connect()) {
            long start = System.nanoTime();
            assertThat(s.getInputStream().read()).isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(250), Duration.ofSeconds(5));
        }
    }

    @Test
    void aCallerTricklingItsRequestIsCutOffAtTheRequestDeadline() throws Exception {
        start(limits(Duration.ofSeconds(5), Duration.ofMillis(600), 4, true), ECHO);
        try (Socket s = connect()) {
            long start = System.nanoTime();
            send(s, "G");
            // A byte every 200 ms never trips a read timeout; only the request deadline ends it.
            boolean cut = false;
            for (int i = 0; i < 50 && !cut; i++) {
                Thread.sleep(200);
                try {
                    send(s, "E");
                } catch (IOException e) {
                    cut = true;
                }
                if (!cut) {
                    s.setSoTimeout(1);
                    try {
                        cut = s.getInputStream().read() < 0;
                    } catch (java.net.SocketTimeoutException stillOpen) {
                        // not closed yet
                    } catch (IOException e) {
                        cut = true;
                    }
                }
            }
            assertThat(cut).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (server.refusedRequests() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(server.refusedRequests()).as("the cut-off request, counted").isEqualTo(1);
    }

    @Test
    void connectionsBeyondTheCapAreClosedAndTheServerRecovers() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        start(limits(Duration.ofSeconds(5), Duration.ofSeconds(10), 2, true), r -> {
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return HttpResponse.text(200, "done");
        });
        List<Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                Socket s = connect();
                send(s, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
                held.add(s);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (server.openConnections() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            try (Socket third = connect()) {
                assertThat(third.getInputStream().read()).as("refused while full").isEqualTo(-1);
            }
            assertThat(server.refusedConnections()).as("refused while full, counted").isEqualTo(1);
            release.countDown();
            for (Socket s : held) {
                assertThat(response(s.getInputStream())).endsWith("done");
            }
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
        // The server learns of the clients' close on its next read; a connection made before then finds no room.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (server.openConnections() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(server.openConnections()).as("held connections released").isZero();
        try (Socket s = connect()) {
            send(s, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(response(s.getInputStream())).endsWith("done");
        }
    }

    @Test
    void aFullListenerLeavesTheOtherOneFree() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        start(limits(Duration.ofSeconds(5), Duration.ofSeconds(10), 1, true), r -> {
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return HttpResponse.text(200, "slow");
        });
        ServerSocket second = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        server.serve(StreamListener.of(second), ECHO);
        try (Socket hog = connect()) {
            send(hog, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (server.openConnections() < 1 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            try (Socket other = new Socket(InetAddress.getLoopbackAddress(), second.getLocalPort())) {
                other.setSoTimeout(5000);
                send(other, "GET /free HTTP/1.1\r\nHost: x\r\n\r\n");
                assertThat(response(other.getInputStream())).endsWith("GET /free ");
            }
            release.countDown();
            assertThat(response(hog.getInputStream())).endsWith("slow");
        }
    }

    /** Opens {@code count} slowloris connections (a head that never ends) from each of {@code sources}. */
    private List<Socket> slowloris(List<InetAddress> sources, int count) throws IOException {
        List<Socket> hog = new ArrayList<>();
        for (InetAddress source : sources) {
            for (int i = 0; i < count; i++) {
                Socket s = new Socket(InetAddress.getLoopbackAddress(), port, source, 0);
                s.setSoTimeout(5000);
                send(s, "GET / HTTP/1.1\r\nHost: x\r\n");
                hog.add(s);
            }
        }
        return hog;
    }

    private void awaitOpen(int atLeast) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (server.openConnections() < atLeast && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        Thread.sleep(200); // the acceptor has seen every connection by now
    }

    @Test
    void loopbackAddressesAreOneCallerWhoseShareIsBounded() throws Exception {
        start(new HttpServer.Limits(1024, 1024, Duration.ofSeconds(10), Duration.ofSeconds(10), 8, 2, true, 3), ECHO);
        List<InetAddress> four = List.of(InetAddress.ofLiteral("127.0.0.1"), InetAddress.ofLiteral("127.0.0.2"),
                InetAddress.ofLiteral("127.0.0.3"), InetAddress.ofLiteral("127.0.0.4"));
        List<Socket> hog = slowloris(four, 2);
        try {
            awaitOpen(2);
            // Before: each of 127.0.0.1-4 counted as a caller of its own and took the whole listener.
            assertThat(server.openConnections()).as("four loopback addresses, one host, one share").isEqualTo(2);
        } finally {
            for (Socket s : hog) {
                s.close();
            }
        }
    }

    @Test
    void theOwnerDisplacesLocalSlowlorisAndKeepsItsConnection() throws Exception {
        server = new HttpServer(new HttpServer.Limits(1024, 1024, Duration.ofSeconds(10), Duration.ofSeconds(10), 8, 3,
                true, 10));
        ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        port = socket.getLocalPort();
        server.serve(StreamListener.of(socket), ECHO, r -> r.header("x-owner").isPresent());
        List<InetAddress> four = List.of(InetAddress.ofLiteral("127.0.0.1"), InetAddress.ofLiteral("127.0.0.2"),
                InetAddress.ofLiteral("127.0.0.3"), InetAddress.ofLiteral("127.0.0.4"));
        List<Socket> hog = slowloris(four, 3);
        try {
            awaitOpen(3);
            try (Socket owner = connect()) {
                send(owner, "GET /mine HTTP/1.1\r\nHost: x\r\nX-Owner: 1\r\n\r\n");
                assertThat(response(owner.getInputStream())).as("the owner gets in").endsWith("GET /mine ");
                // More slowloris, more than the share: they displace each other, never the owner's connection.
                hog.addAll(slowloris(four, 3));
                awaitOpen(3);
                send(owner, "GET /again HTTP/1.1\r\nHost: x\r\n\r\n");
                assertThat(response(owner.getInputStream())).as("its connection kept").endsWith("GET /again ");
                assertThat(server.openConnections()).isEqualTo(3);
            }
            assertThat(hog.getFirst().getInputStream().read()).as("the oldest hog was displaced").isEqualTo(-1);
        } finally {
            for (Socket s : hog) {
                s.close();
            }
        }
    }

    @Test
    void aConnectionThatFailsUnexpectedlyIsDroppedAndCountedAndTheListenerCarriesOn() throws Exception {
        server = new HttpServer(limits(Duration.ofSeconds(5), Duration.ofSeconds(5), 4, true));
        ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        port = socket.getLocalPort();
        StreamListener real = StreamListener.of(socket);
        java.util.concurrent.atomic.AtomicInteger accepts = new java.util.concurrent.atomic.AtomicInteger();
        server.serve(new StreamListener() {
            @Override
            public io.microlink.netstack.socket.StreamConnection accept() throws IOException {
                switch (accepts.incrementAndGet()) {
                    case 1 -> throw new IllegalStateException("injected: the listener broke once");
                    case 2 -> {
                        io.microlink.netstack.socket.StreamConnection c = real.accept();
                        return new io.microlink.netstack.socket.StreamConnection() {
                            public InputStream getInputStream() throws IOException {
                                return c.getInputStream();
                            }

                            public java.io.OutputStream getOutputStream() throws IOException {
                                return c.getOutputStream();
                            }

                            public java.net.InetSocketAddress getRemoteSocketAddress() {
                                throw new IllegalStateException("injected: no address for this one");
                            }

                            public java.net.InetSocketAddress getLocalSocketAddress() {
                                return c.getLocalSocketAddress();
                            }

                            public void setSoTimeout(int millis) throws IOException {
                                c.setSoTimeout(millis);
                            }

                            public void shutdownOutput() throws IOException {
                                c.shutdownOutput();
                            }

                            public void close() throws IOException {
                                c.close();
                            }
                        };
                    }
                    default -> {
                        return real.accept();
                    }
                }
            }

            @Override
            public int port() {
                return real.port();
            }

            @Override
            public void close() throws IOException {
                real.close();
            }
        }, ECHO);
        try (Socket broken = connect()) {
            send(broken, "GET /lost HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(broken.getInputStream().read()).isEqualTo(-1);
        }
        try (Socket s = connect()) {
            send(s, "GET /after HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(response(s.getInputStream())).endsWith("GET /after ");
        }
        assertThat(server.failedConnections()).isEqualTo(2);
    }

    @Test
    void closeEndsListenersAndOpenConnections() throws IOException {
        start(limits(Duration.ofSeconds(10), Duration.ofSeconds(10), 4, true), ECHO);
        try (Socket s = connect()) {
            send(s, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(response(s.getInputStream())).endsWith("GET / ");
            server.close();
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
        assertThat(server.openConnections()).isZero();
        try (Socket s = new Socket()) {
            org.assertj.core.api.Assertions.assertThatThrownBy(
                    () -> s.connect(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000))
                    .isInstanceOf(IOException.class);
        }
    }

}
