package io.microlink.interop.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.microlink.examples.BasicConnect;
import io.microlink.examples.PingPong;
import io.microlink.examples.SensorNode;
import io.microlink.examples.UdpEcho;
import io.microlink.interop.Await;
import io.microlink.interop.Exec;
import io.microlink.interop.ManagedProcess;
import io.microlink.interop.Socks5UdpAssociation;
import io.microlink.interop.Tailscaled;
import io.microlink.interop.TcpEchoServer;
import io.microlink.interop.TestTailnet;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The example programs (module {@code examples}) against a real tailscaled on a test tailnet:
 * each joins as its own node, as a user would run it, and talks to the real node or to servers
 * the real node forwards to (tailscaled in userspace mode hands tailnet TCP and UDP for its own
 * address to 127.0.0.1). Two run as programs (their {@code main}, in a child JVM), the others
 * through their {@code run(args, io)} in this JVM.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ExamplesInteropTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final TestTailnet tailnet = TestTailnet.create();

    private static Tailscaled real;
    private static String realIp;

    @BeforeAll
    static void startTheRealNode() {
        real = tailnet.addNode("real");
        realIp = real.ip("-4").getFirst();
    }

    /** What each example needs to join: the tailnet's pre-auth key, and its relay over plain HTTP. */
    private static Map<String, String> env() {
        return Map.of("TS_AUTHKEY", tailnet.reusableKey(TestTailnet.DEFAULT_USER).key(),
                "MICROLINK_DEBUG_USE_DERP_HTTP", "1");
    }

    /** The node flags for an example named {@code hostname}, then {@code more}. */
    private static List<String> args(String hostname, String... more) {
        List<String> all = new ArrayList<>(List.of("--login-server", tailnet.headscale().url(), "--hostname", hostname,
                "--state-dir", tailnet.dir().resolve(hostname).toString(), "--connect-timeout", "60s"));
        all.addAll(List.of(more));
        return all;
    }

    /** {@code java -cp <test classpath> CLASS ARGS}: an example as a program. */
    private static List<String> program(Class<?> example, List<String> args) {
        String javaBin = Optional.ofNullable(System.getenv("MICROLINK_JAVA"))
                .orElseGet(() -> ProcessHandle.current().info().command().orElseThrow());
        List<String> command = new ArrayList<>(List.of(javaBin, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), example.getName()));
        command.addAll(args);
        return command;
    }

    @Test
    void basicConnectAsAProgramJoinsListsTheRealPeerAndExits0() {
        Exec.Result r = Exec.run(Duration.ofSeconds(120), program(BasicConnect.class, args("java-basic")), env(), null);
        assertThat(r.exitCode()).as(r.stdout() + r.stderr()).isZero();
        String ownIp = real.ip("-4", "java-basic").getFirst(); // as the real node knows it
        assertThat(r.stdout()).containsPattern("(?m)^connected as java-basic \\(java-basic\\."
                + Pattern.quote(tailnet.headscale().baseDomain()) + "\\) " + Pattern.quote(ownIp) + " fd7a:");
        // Other tests' example nodes may be listed too (offline): the real one must be there, online.
        assertThat(r.stdout()).containsPattern("(?m)^\\d+ peers?:$")
                .containsPattern("(?m)^  real\\s+" + Pattern.quote(realIp) + " fd7a:\\S+\\s+online$");
        assertThat(r.stderr()).doesNotContain(tailnet.reusableKey(TestTailnet.DEFAULT_USER).key());
    }

    @Test
    void pingPongGetsDiscoIcmpTcpAndUdpAnswersFromTheRealNode() throws Exception {
        try (TcpEchoServer tcpEcho = new TcpEchoServer(); UdpEchoServer udpEcho = new UdpEchoServer()) {
            ExampleRun ping = ExampleRun.runToEnd("ping-pong", PingPong::run, env(), args("java-ping", "ping", "real",
                    "--count", "3", "--interval", "200ms", "--timeout", "3s", "--tcp",
                    Integer.toString(tcpEcho.port()), "--udp", Integer.toString(udpEcho.port())), WAIT.multipliedBy(2));
            assertThat(ping.awaitExit(WAIT)).as(ping.out() + ping.err()).isZero();
            String out = ping.out();
            assertThat(out).containsPattern("(?m)^disco seq=\\d: pong from real via (DERP\\(\\w+\\)|127\\.0\\.0\\.1:\\d+)"
                            + " in [\\d.]+ ms$")
                    .containsPattern("(?m)^icmp seq=\\d: reply from " + Pattern.quote(realIp) + " in [\\d.]+ ms$")
                    .containsPattern("(?m)^tcp seq=\\d: echo from " + Pattern.quote(realIp + ":" + tcpEcho.port())
                            + " in [\\d.]+ ms$")
                    .containsPattern("(?m)^udp seq=\\d: echo from " + Pattern.quote(realIp + ":" + udpEcho.port())
                            + " in [\\d.]+ ms$");
            for (String kind : List.of("disco", "icmp", "tcp", "udp")) {
                assertThat(out).containsPattern("(?m)^" + kind + ": 3 sent, [1-3] answered, round trip min/avg/max ");
            }
            assertThat(tcpEcho.connections()).isPositive();
            assertThat(udpEcho.received()).contains("ping 1");
        }
    }

    @Test
    void pingPongFailsWithOneLineForAPortNobodyServesAndForAnUnknownPeer() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        ExampleRun refused = ExampleRun.runToEnd("ping-pong", PingPong::run, env(), args("java-ping", "ping", "real",
                "--count", "2", "--interval", "100ms", "--tcp", Integer.toString(closed)), WAIT.multipliedBy(2));
        assertThat(refused.awaitExit(WAIT)).isEqualTo(1);
        assertThat(refused.out()).contains("tcp seq=1: failed: connection refused by " + realIp + ":" + closed)
                .containsPattern("(?m)^disco: 2 sent, [12] answered");
        assertThat(refused.err()).endsWith("\nping-pong: no answer from real to tcp pings\n");

        ExampleRun unknown = ExampleRun.runToEnd("ping-pong", PingPong::run, env(), args("java-ping", "ping",
                "nobody"), WAIT.multipliedBy(2));
        assertThat(unknown.awaitExit(WAIT)).isEqualTo(1);
        assertThat(unknown.err()).endsWith("\nping-pong: no peer nobody in the tailnet\n");
    }

    @Test
    void pongAnswersTailscaleNcAndAnotherPingPongExample() throws Exception {
        try (ExampleRun pong = ExampleRun.start("ping-pong pong", PingPong::run, env(), args("java-pong", "pong",
                "--port", "7000"))) {
            pong.awaitOutput("answering TCP pings on port 7000", WAIT);
            Await.until(WAIT, "real to see java-pong", () -> real.status().seesOnlineWithHomeDerp("java-pong"));
            byte[] lines = "ping 1\nping 2\n".getBytes(StandardCharsets.UTF_8);
            assertThat(real.nc("java-pong", 7000, lines, lines.length, WAIT)).isEqualTo(lines);
            assertThat(pong.out()).containsPattern("(?m)^pong to real \\(" + Pattern.quote(realIp)
                    + ":\\d+\\): ping 2$");

            ExampleRun ping = ExampleRun.runToEnd("ping-pong ping", PingPong::run, env(), args("java-ping", "ping",
                    "java-pong", "--count", "2", "--interval", "200ms", "--timeout", "3s", "--tcp", "7000"),
                    WAIT.multipliedBy(2));
            assertThat(ping.awaitExit(WAIT)).as(ping.out() + ping.err()).isZero();
            assertThat(ping.out()).containsPattern("(?m)^tcp: 2 sent, 2 answered");
            assertThat(pong.out()).containsPattern("(?m)^pong to java-ping \\(\\S+\\): ping 2$");
            assertThat(pong.stop(WAIT)).isZero();
            assertThat(pong.out()).endsWith("stopping\n");
        }
    }

    @Test
    void sensorOverTcpReconnectsWhenTheCollectorGoesAwayAndDeliversEveryReadingInOrder() throws Exception {
        int count = 10;
        try (LineCollector collector = new LineCollector()) {
            ExampleRun sensor = ExampleRun.start("sensor", SensorNode::run, env(), args("java-sensor", "real",
                    "--port", Integer.toString(collector.port()), "--count", Integer.toString(count), "--interval",
                    "400ms"));
            try (sensor) {
                Await.until(WAIT, () -> "3 readings at the collector, got " + collector.lines(),
                        () -> collector.lines().size() >= 3);
                collector.goAway();
                sensor.awaitOutput("cannot reach the collector", WAIT);
                collector.comeBack();
                assertThat(sensor.awaitExit(WAIT)).as(sensor.out() + sensor.err()).isZero();
            }
            assertThat(sensor.out()).contains("the collector closed the connection; connecting again")
                    .containsPattern("reading \\d+ waits").endsWith("sent " + count + " readings to real:"
                            + collector.port() + "\n");
            List<JsonNode> readings = new ArrayList<>();
            for (String line : collector.lines()) {
                readings.add(JSON.readTree(line));
            }
            assertThat(readings).extracting(r -> r.path("seq").asInt())
                    .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, count).boxed().toList());
            for (JsonNode r : readings) {
                assertThat(r.path("sensor").asText()).isEqualTo("java-sensor");
                assertThat(Instant.parse(r.path("time").asText())).isBefore(Instant.now());
                assertThat(r.path("loadAverage").isNumber()).isTrue();
                assertThat(r.path("heapUsedBytes").asLong()).isPositive();
            }
            assertThat(collector.connections()).isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void sensorOverUdpSendsEveryReadingToACollectorBehindTheRealNode() throws Exception {
        // A node that joined before, as a deployed sensor has: the real node knows its key and
        // answers its first WireGuard handshake. (Datagrams of a node in its first seconds on the
        // tailnet can wait for the handshake's 5 s retry, and a short run ends before that.)
        ExampleRun joined = ExampleRun.runToEnd("basic-connect", BasicConnect::run, env(), args("java-sensor-udp"),
                WAIT.multipliedBy(2));
        assertThat(joined.awaitExit(WAIT)).as(joined.err()).isZero();
        Await.until(WAIT, "real to know java-sensor-udp", () -> real.status().peer("java-sensor-udp").isPresent());
        try (UdpEchoServer collector = new UdpEchoServer()) {
            ExampleRun sensor = ExampleRun.runToEnd("sensor", SensorNode::run, env(), args("java-sensor-udp", "real",
                    "--udp", "--port", Integer.toString(collector.port()), "--count", "3", "--interval", "300ms"),
                    WAIT.multipliedBy(2));
            assertThat(sensor.awaitExit(WAIT)).as(sensor.out() + sensor.err()).isZero();
            List<Integer> seqs = new ArrayList<>();
            for (String datagram : collector.received()) {
                JsonNode r = JSON.readTree(datagram);
                assertThat(r.path("sensor").asText()).isEqualTo("java-sensor-udp");
                seqs.add(r.path("seq").asInt());
            }
            assertThat(seqs).containsExactly(1, 2, 3);
        }
    }

    @Test
    void udpEchoAsAProgramAnswersADatagramTailscaledSendsAndStopsOnSigterm() throws Exception {
        Path log = tailnet.dir().resolve("udp-echo.log");
        ManagedProcess echo = ManagedProcess.start("udp-echo", program(UdpEcho.class, args("java-echo", "--port",
                "9000")), env(), log);
        try (echo; Socks5UdpAssociation viaReal = Socks5UdpAssociation.open(real.socks5Port())) {
            Await.until(WAIT, "udp-echo to start", () -> {
                echo.requireAlive();
                return echo.logTail(50).contains("echoing UDP on port 9000");
            });
            Await.until(WAIT, "real to see java-echo", () -> real.status().seesOnlineWithHomeDerp("java-echo"));
            InetAddress echoIp = InetAddress.getByName(real.ip("-4", "java-echo").getFirst());
            byte[] payload = "a datagram tailscaled sent".getBytes(StandardCharsets.UTF_8);
            Socks5UdpAssociation.Reply reply = Await.result(WAIT, "an echo through the real node", () -> {
                try {
                    viaReal.send(new InetSocketAddress(echoIp, 9000), payload);
                    return viaReal.receive(Duration.ofSeconds(1));
                } catch (IOException e) {
                    return null;
                }
            });
            assertThat(reply.data()).isEqualTo(payload);
            assertThat(reply.from()).isEqualTo(new InetSocketAddress(echoIp, 9000));
            Pattern line = Pattern.compile("(?m)^26 bytes from real \\(\\S+\\) at " + Pattern.quote(realIp)
                    + ":\\d+: a datagram tailscaled sent$");
            assertThat(echo.logTail(50)).containsPattern(line);

            ProcessHandle handle = ProcessHandle.of(echo.pid()).orElseThrow();
            handle.destroy(); // SIGTERM, as systemd stops a service; Ctrl-C takes the same path
            handle.onExit().get(30, TimeUnit.SECONDS);
            assertThat(Files.readString(log)).containsPattern("(?m)^stopping$");
        }
    }

    /** A UDP echo server on 127.0.0.1 (the real node forwards tailnet UDP for its address here) that keeps what it got. */
    private static final class UdpEchoServer implements AutoCloseable {
        private final DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                0));
        private final List<String> received = new CopyOnWriteArrayList<>();

        UdpEchoServer() throws IOException {
            Thread.ofVirtual().start(() -> {
                byte[] buf = new byte[2048];
                try {
                    while (true) {
                        DatagramPacket p = new DatagramPacket(buf, buf.length);
                        socket.receive(p);
                        received.add(new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8));
                        socket.send(new DatagramPacket(p.getData(), p.getLength(), p.getSocketAddress()));
                    }
                } catch (IOException e) {
                    // closed
                }
            });
        }

        int port() {
            return socket.getLocalPort();
        }

        List<String> received() {
            return List.copyOf(received);
        }

        @Override
        public void close() {
            socket.close();
        }
    }

    /**
     * A TCP collector on 127.0.0.1 that keeps every line it reads. {@link #goAway} closes it and its
     * connections, as a collector that crashed; {@link #comeBack} listens on the same port again.
     */
    private static final class LineCollector implements AutoCloseable {
        private final List<String> lines = Collections.synchronizedList(new ArrayList<>());
        private final List<Socket> open = new CopyOnWriteArrayList<>();
        private final AtomicInteger connections = new AtomicInteger();
        private final int port;
        private volatile ServerSocket server;

        LineCollector() throws IOException {
            server = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
            port = server.getLocalPort();
            acceptOn(server);
        }

        private void acceptOn(ServerSocket s) {
            Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        Socket c = s.accept();
                        connections.incrementAndGet();
                        open.add(c);
                        Thread.ofVirtual().start(() -> readLines(c));
                    }
                } catch (IOException e) {
                    // closed
                }
            });
        }

        private void readLines(Socket c) {
            try (c; BufferedReader in = new BufferedReader(new InputStreamReader(c.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // closed by goAway
            }
        }

        int port() {
            return port;
        }

        List<String> lines() {
            return List.copyOf(lines);
        }

        int connections() {
            return connections.get();
        }

        void goAway() throws IOException {
            server.close();
            for (Socket c : open) {
                c.close();
            }
            open.clear();
        }

        void comeBack() throws IOException {
            ServerSocket s = new ServerSocket();
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
            server = s;
            acceptOn(s);
        }

        @Override
        public void close() throws IOException {
            goAway();
        }
    }
}
