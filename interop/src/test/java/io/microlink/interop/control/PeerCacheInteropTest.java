package io.microlink.interop.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.microlink.NodeState;
import io.microlink.PingPath;
import io.microlink.PingResult;
import io.microlink.TailnetNode;
import io.microlink.interop.Await;
import io.microlink.interop.Tailscaled;
import io.microlink.interop.TcpEchoServer;
import io.microlink.interop.TestTailnet;
import io.microlink.netstack.socket.TailnetSocket;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The peer cache against a real headscale and tailscaled: a Java node that exchanged traffic
 * with a peer, restarted while headscale (and with it the tailnet's only relay) is stopped,
 * still reaches that peer; with its cache file torn it starts all the same, but does not reach
 * the peer until control is back.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class PeerCacheInteropTest {
    private static final Duration WAIT = Duration.ofSeconds(45);
    private static final Duration CONTROL_BACK = Duration.ofSeconds(120);
    private static final Duration STILL_UNREACHABLE = Duration.ofSeconds(10);
    private static final String NAME = "java-cached";

    @RegisterExtension
    static final TestTailnet tailnet = TestTailnet.create();

    private static TailnetNode start() {
        TailnetNode node = tailnet.javaNodeBuilder(NAME).backoff(Duration.ofMillis(200), Duration.ofSeconds(2)).build();
        node.start();
        return node;
    }

    @Test
    void aRestartedNodeReachesAPeerItUsedWhileControlIsDownButNotWithoutItsCache() throws Exception {
        Tailscaled real = tailnet.addNode("real");
        Path cache = tailnet.dir().resolve(NAME).resolve("peers.json");
        try (TcpEchoServer echo = new TcpEchoServer()) {
            String realKey;
            int port;
            try (TailnetNode first = start()) {
                Await.until(WAIT, "the first run to connect", () -> first.state() == NodeState.CONNECTED);
                Await.until(WAIT, "real to see " + NAME, () -> real.status().seesOnlineWithHomeDerp(NAME));
                realKey = first.tailnet().find("real").orElseThrow().nodeKey().toString();
                port = first.udpPort();
                assertThat(echo(first, echo.port(), "traffic makes a peer worth caching")).isTrue();
            }
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(cache))).isEqualTo("rw-------");
            assertThat(Files.readString(cache)).contains(realKey);

            tailnet.headscale().stop();
            try (TailnetNode again = start()) {
                PingResult pong = Await.result(WAIT, "a pong from real while control is down", () -> ping(again));
                assertThat(pong.direct()).as("the only relay was headscale's own").isTrue();
                assertThat(again.udpPort()).as("where real last reached it").isEqualTo(port);
                assertThat(echo(again, echo.port(), "and TCP through WireGuard")).isTrue();
                assertThat(again.state()).as("control never answered").isEqualTo(NodeState.CONNECTING);
            }

            Files.writeString(cache, "{\"format\":1,\"peers\":[{\"id\":"); // torn: as good as none
            try (TailnetNode uncached = start()) {
                long until = System.nanoTime() + STILL_UNREACHABLE.toNanos();
                while (System.nanoTime() < until) {
                    assertThat(ping(uncached)).as("without the cache, before control is back").isNull();
                    Thread.sleep(500);
                }
                tailnet.headscale().resume();
                Await.result(CONTROL_BACK, "a pong from real once control is back", () -> ping(uncached));
                assertThat(uncached.state()).isEqualTo(NodeState.CONNECTED);
                assertThat(echoOrExplain(uncached, real, echo.port(), "the cache is written again")).isTrue();
            }
            assertThat(Files.readString(cache)).contains(realKey);
        }
    }

    /** A pong from real, or null if there was none (unknown peer, not started, no answer in a second). */
    private static PingResult ping(TailnetNode node) {
        try {
            return node.ping("real", PingPath.ANY, Duration.ofSeconds(1));
        } catch (Exception notYet) {
            return null;
        }
    }

    /**
     * As {@link #echo}, but a failure says how each side saw the other at that moment: the first
     * connection after control came back once timed out in CI and not here, and CI shows only
     * the failure's message.
     */
    private static boolean echoOrExplain(TailnetNode node, Tailscaled real, int port, String line) throws Exception {
        try {
            return echo(node, port, line);
        } catch (IOException e) {
            throw new AssertionError(e.getMessage() + "; " + NAME + " sees real as "
                    + node.peerPaths().stream().filter(p -> p.peer().startsWith("real.")).toList()
                    + "; real sees " + NAME + " as " + real.status().peer(NAME).map(Object::toString).orElse("absent"), e);
        }
    }

    /** Whether a line sent to the echo server behind real comes back. */
    private static boolean echo(TailnetNode node, int port, String line) throws Exception {
        try (TailnetSocket s = node.dial("real", port, Duration.ofSeconds(30))) {
            s.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
            s.getOutputStream().flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            return line.equals(in.readLine());
        }
    }
}
