package io.microlink.interop.derp;

import static org.assertj.core.api.Assertions.assertThat;

import io.microlink.DerpTransport;
import io.microlink.NodeState;
import io.microlink.PingPath;
import io.microlink.PingResult;
import io.microlink.TailnetNode;
import io.microlink.netstack.socket.TailnetServerSocket;
import io.microlink.netstack.socket.TailnetSocket;
import io.microlink.interop.Await;
import io.microlink.interop.FreePorts;
import io.microlink.interop.Iptables;
import io.microlink.interop.MicrolinkProcess;
import io.microlink.interop.PingReply;
import io.microlink.interop.Tailscaled;
import io.microlink.interop.TestTailnet;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * With no UDP to or from it, the Java node reaches a real tailscaled through headscale's
 * embedded relay two other ways than its own {@code Upgrade: DERP} connection: a WebSocket
 * ({@code Sec-WebSocket-Protocol: derp}, which headscale's relay accepts), and an embedder's
 * {@link DerpTransport} whose streams a relay thread in the test carries to the real relay.
 * Each time: a ping each way, through DERP, and one TCP exchange. And the daemon's
 * {@code --derp-websocket} takes its relay connection through a WebSocket too.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class DerpWebSocketInteropTest {
    private static final Duration CONNECT = Duration.ofSeconds(60);
    private static final Duration FEW_SECONDS = Duration.ofSeconds(20);
    /** The TCP exchange: a few KiB, so that the relay's byte counts show it went through. */
    private static final byte[] MESSAGE = "over the relay and back\n".repeat(250).getBytes(StandardCharsets.US_ASCII);

    @RegisterExtension
    static final TestTailnet tailnet = TestTailnet.create();

    @Test
    void overAWebSocketWithUdpBlockedTheNodeAndTailscaledTalkThroughTheRelay() throws Exception {
        Tailscaled peer = tailnet.addNode("wspeer");
        List<String> derpLog = new CopyOnWriteArrayList<>();
        Logger logger = Logger.getLogger("io.microlink.derp");
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                derpLog.add(java.text.MessageFormat.format(r.getMessage(), r.getParameters()));
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        logger.addHandler(capture);
        try {
            talkWithUdpBlocked(peer, "java-ws", b -> b.derpWebSocket(true));
        } finally {
            logger.removeHandler(capture);
        }
        assertThat(derpLog).anyMatch(m -> m.endsWith("speaks DERP over a WebSocket"));
    }

    @Test
    void theDaemonsFlagTakesItThroughAWebSocket() throws Exception {
        Tailscaled peer = tailnet.addNode("wsdpeer");
        Path keyFile = Files.createFile(tailnet.dir().resolve("wsd-authkey"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(keyFile, tailnet.reusableKey(TestTailnet.DEFAULT_USER).key());
        try (MicrolinkProcess daemon = new MicrolinkProcess(tailnet.dir().resolve("wsd")).start("--derp-websocket")) {
            daemon.cli("up", "--login-server", tailnet.headscale().url(), "--auth-key-file", keyFile.toString(),
                    "--hostname", "java-wsd", "--timeout", "60s").requireSuccess();
            Await.until(CONNECT, peer.hostname() + " to see java-wsd's home DERP",
                    () -> peer.status().seesOnlineWithHomeDerp("java-wsd"));
            assertThat(daemon.cli("ping", "--derp", "-c", "1", peer.hostname()).requireSuccess().stdout())
                    .contains("via DERP(");
            assertThat(daemon.log()).contains("speaks DERP over a WebSocket");
        }
    }

    @Test
    void throughTheTransportHookARelayThreadCarriesDerpToTheRealRelay() throws Exception {
        Tailscaled peer = tailnet.addNode("hookpeer");
        try (CopyingRelay relay = new CopyingRelay()) {
            List<String> asked = new CopyOnWriteArrayList<>();
            DerpTransport hook = (host, port, timeout) -> {
                asked.add(host + ":" + port);
                Socket s = relay.connect(host, port);
                return DerpTransport.Stream.of(s.getInputStream(), s.getOutputStream(), s, false);
            };
            talkWithUdpBlocked(peer, "java-hook", b -> b.derpTransport(hook));
            assertThat(asked).isNotEmpty();
            assertThat(relay.firstLines).anyMatch(l -> l.equals("GET /derp HTTP/1.1"));
            // Logins and pings are a few hundred bytes: the TCP exchange went through the relay too.
            assertThat(relay.toRelay.get()).isGreaterThan(MESSAGE.length);
            assertThat(relay.fromRelay.get()).isGreaterThan(MESSAGE.length);
        }
    }

    /** A node with no UDP, the peer: a ping each way through DERP and one TCP exchange (tailscale nc to the node). */
    private static void talkWithUdpBlocked(Tailscaled peer, String name, Consumer<TailnetNode.Builder> derpSettings)
            throws Exception {
        int udp = FreePorts.udp();
        String port = Integer.toString(udp);
        TailnetNode.Builder builder = TailnetNode.builder()
                .controlUrl(tailnet.headscale().url())
                .authKey(tailnet.reusableKey(TestTailnet.DEFAULT_USER).key())
                .hostname(name)
                .stateDirectory(tailnet.dir().resolve(name))
                .udpPort(udp)
                .backoff(Duration.ofMillis(200), Duration.ofSeconds(2))
                .plainHttpDerpForTesting();
        derpSettings.accept(builder);
        // A firewall in this test's own network namespace: nothing reaches the node over UDP.
        try (Iptables.Rule noUdpIn = Iptables.add("INPUT", "-p", "udp", "--dport", port, "-j", "DROP");
             Iptables.Rule noUdpOut = Iptables.add("OUTPUT", "-p", "udp", "--sport", port, "-j", "DROP");
             TailnetNode java = builder.build()) {
            java.start();
            Await.until(CONNECT, name + " connected", () -> java.state() == NodeState.CONNECTED);
            Await.until(CONNECT, peer.hostname() + " to see " + name + "'s home DERP",
                    () -> peer.status().seesOnlineWithHomeDerp(name));

            PingResult out = Await.result(CONNECT, name + " pings " + peer.hostname(), () -> {
                try {
                    return java.ping(peer.hostname(), PingPath.ANY, Duration.ofSeconds(5));
                } catch (Exception e) {
                    return null;
                }
            });
            assertThat(out.direct()).as("no UDP for the node: " + out).isFalse();
            PingReply in = peer.ping(name, "--until-direct=false", "-c", "1").getFirst();
            assertThat(in.viaDerp()).as(peer.hostname() + " pings " + name + ": " + in).isTrue();

            try (TailnetServerSocket server = java.listen(7000)) {
                Thread.startVirtualThread(() -> echoOne(server));
                assertThat(peer.nc(name, 7000, MESSAGE, MESSAGE.length, FEW_SECONDS)).isEqualTo(MESSAGE);
            }
        }
    }

    private static void echoOne(TailnetServerSocket server) {
        try (TailnetSocket s = server.accept()) {
            s.getInputStream().transferTo(s.getOutputStream());
        } catch (IOException e) {
            // the test sees a short echo
        }
    }

    /** The embedder's side of the hook: a loopback relay whose threads copy each stream to the real relay and count. */
    private static final class CopyingRelay implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        final AtomicLong toRelay = new AtomicLong();
        final AtomicLong fromRelay = new AtomicLong();
        final List<String> firstLines = new CopyOnWriteArrayList<>();
        private final List<Socket> open = new CopyOnWriteArrayList<>();

        CopyingRelay() throws IOException {}

        /** A stream to {@code host:port} through a pair of copying threads. */
        Socket connect(String host, int port) throws IOException {
            Socket upstream = new Socket(host, port);
            Socket ours = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
            Socket theirs = server.accept();
            open.addAll(List.of(upstream, ours, theirs));
            Thread.startVirtualThread(() -> copy(theirs, upstream, toRelay, true));
            Thread.startVirtualThread(() -> copy(upstream, theirs, fromRelay, false));
            return ours;
        }

        private void copy(Socket from, Socket to, AtomicLong count, boolean noteFirstLine) {
            try (from; to) {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                byte[] buf = new byte[16 * 1024];
                for (int n; (n = in.read(buf)) > 0; ) {
                    if (noteFirstLine && count.get() == 0) {
                        String text = new String(buf, 0, n, StandardCharsets.ISO_8859_1);
                        firstLines.add(text.substring(0, Math.max(0, text.indexOf("\r\n"))));
                    }
                    out.write(buf, 0, n);
                    count.addAndGet(n);
                }
            } catch (IOException e) {
                // one side closed: so does the other
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket s : open) {
                s.close();
            }
        }
    }
}
