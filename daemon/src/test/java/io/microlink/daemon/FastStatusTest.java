package io.microlink.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.microlink.daemon.api.ApiException;
import io.microlink.daemon.api.ApiProtocol;
import io.microlink.daemon.api.ApiRequest;
import io.microlink.daemon.api.ApiServer;
import io.microlink.daemon.api.Method;
import io.microlink.daemon.api.ReplyHead;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code status} answered without the full CLI, against a daemon socket with a stand-in {@code status} method. */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class FastStatusTest {
    @TempDir
    Path tmp;

    /** Answers render=table or render=json with a body naming it, longer than a read block and not ASCII. */
    private static final String BIG = "ä".repeat(9000);
    private static final Method RENDERS = new Method() {
        @Override
        public String method() {
            return "status";
        }

        @Override
        public Reply handle(ApiRequest request, Daemon daemon) throws ApiException {
            String render = request.optionalText("render");
            return render == null ? Reply.of(ApiProtocol.object().put("state", "DOWN"))
                    : Reply.withBody(render + "\n" + BIG + "\n");
        }
    };

    private Path stateDir() throws IOException {
        return Files.createDirectory(tmp.resolve("state"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }

    @Test
    void printsWhatTheDaemonRenderedTableOrJsonWhereverTheSocketIsNamed() throws Exception {
        Path state = stateDir();
        Path socket = state.resolve("microlink.sock");
        try (ApiServer server = ApiServer.start(socket, Map.of("status", RENDERS), null)) {
            String dir = state.toString();
            assertThat(FastStatus.answer(new String[] {"status", "--state-dir", dir}, Map.of()))
                    .isEqualTo("table\n" + BIG + "\n");
            assertThat(FastStatus.answer(new String[] {"status", "--json", "--state-dir=" + dir}, Map.of()))
                    .isEqualTo("json\n" + BIG + "\n");
            // The last --json wins, as in the full parser.
            assertThat(FastStatus.answer(new String[] {"status", "--json", "--json=false", "--socket", socket.toString()},
                    Map.of())).startsWith("table\n");
            assertThat(FastStatus.answer(new String[] {"status", "--json=true"}, Map.of("MICROLINK_SOCKET",
                    socket.toString()))).startsWith("json\n");
            assertThat(FastStatus.answer(new String[] {"status"}, Map.of("MICROLINK_STATE_DIR", dir)))
                    .startsWith("table\n");
        }
    }

    @Test
    void leavesToTheFullCliWhatItDoesNotHandleExactly() throws Exception {
        Path state = stateDir();
        Path socket = state.resolve("microlink.sock");
        Map<String, String> env = Map.of("MICROLINK_SOCKET", socket.toString());
        try (ApiServer server = ApiServer.start(socket, Map.of("status", RENDERS), null)) {
            for (String[] argv : new String[][] {
                    {}, {"peers"}, {"status", "--help"}, {"status", "-h"}, {"status", "extra"}, {"status", "--jsn"},
                    {"status", "--json=yes"}, {"status", "--socket"}, {"status", "--", "--json"}}) {
                assertThat(FastStatus.answer(argv, env)).as(String.join(" ", argv)).isNull();
            }
            assertThat(FastStatus.answer(new String[] {"status"}, env)).isNotNull();
        }
        // No daemon, an older daemon (the status object, no body) and a refusal.
        assertThat(FastStatus.answer(new String[] {"status"}, env)).isNull();
        try (ApiServer older = ApiServer.start(socket, Map.of("status", olderStatus()), null)) {
            assertThat(FastStatus.answer(new String[] {"status"}, env)).isNull();
        }
        try (ApiServer none = ApiServer.start(socket, Map.of(), null)) {
            assertThat(FastStatus.answer(new String[] {"status"}, env)).isNull();
        }
    }

    private static Method olderStatus() {
        return new Method() {
            @Override
            public String method() {
                return "status";
            }

            @Override
            public Reply handle(ApiRequest request, Daemon daemon) {
                return Reply.of(ApiProtocol.object().put("bytes", 3).put("state", "DOWN"));
            }
        };
    }

    @Test
    void aBodyCutShortIsNotPrinted() throws Exception {
        Path socket = stateDir().resolve("microlink.sock");
        try (ServerSocketChannel daemon = hostileDaemon(socket,
                c -> c.write(ByteBuffer.wrap(ascii("{\"ok\":true,\"result\":{\"bytes\":10}}\nshort"))))) {
            assertThat(FastStatus.ask(socket, ascii("{\"method\":\"status\"}\n"))).isNull();
        }
    }

    @Test
    void aDaemonThatHangsOrTricklesIsToldAfterTheTimeout() throws Exception {
        Path socket = stateDir().resolve("microlink.sock");
        try (ServerSocketChannel daemon = hostileDaemon(socket, c -> {
            c.write(ByteBuffer.wrap(ascii("{\"ok\":true,\"result\":{\"bytes\":100}}\n")));
            for (int i = 0; i < 100; i++) { // a byte every 200 ms: 20 s for the whole body
                Thread.sleep(200);
                c.write(ByteBuffer.wrap(ascii("x")));
            }
        })) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> assertTimeoutPreemptively(Duration.ofSeconds(10), () -> FastStatus.ask(socket,
                    ascii("{\"method\":\"status\"}\n"), 1)))
                    .isInstanceOf(FastStatus.NoAnswer.class).hasMessage("the daemon did not answer within 1 s");
            assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(5));
        }
    }

    @Test
    void aClaimedLengthIsNotAllocatedBeforeTheBytesCome() throws Exception {
        Path socket = stateDir().resolve("microlink.sock");
        try (ServerSocketChannel daemon = hostileDaemon(socket, c -> c.write(ByteBuffer.wrap(
                ascii("{\"ok\":true,\"result\":{\"bytes\":" + FastStatus.MAX_BODY + "}}\nonly this"))))) {
            com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long before = threads.getCurrentThreadAllocatedBytes();
            assertThat(FastStatus.ask(socket, ascii("{\"method\":\"status\"}\n"))).isNull();
            assertThat(threads.getCurrentThreadAllocatedBytes() - before).as("bytes allocated for a 9-byte body")
                    .isLessThan(1 << 20);
        }
    }

    @Test
    void readsTheBodyLengthOnlyFromTheExactHead() {
        assertThat(FastStatus.bodyLength(ascii("{\"ok\":true,\"result\":{\"bytes\":0}}"))).isZero();
        assertThat(FastStatus.bodyLength(ascii("{\"ok\":true,\"result\":{\"bytes\":1234}}"))).isEqualTo(1234);
        for (String other : new String[] {"{\"ok\":true,\"result\":{\"bytes\":}}", "{\"ok\":true,\"result\":{\"bytes\":-1}}",
                "{\"ok\":true,\"result\":{\"bytes\":12,\"x\":1}}", "{\"ok\":true,\"result\":{}}",
                "{\"ok\":false,\"code\":\"failed\",\"error\":\"no\"}", "{\"ok\":true,\"result\":{\"bytes\":999999999}}",
                "{\"ok\":true,\"result\":{\"bytes\":1e3}}", ""}) {
            assertThat(FastStatus.bodyLength(ascii(other))).as(other).isEqualTo(-1);
        }
    }

    /** What a daemon does once it has read a request: it may hang, trickle or lie. */
    private interface Answer {
        void answer(SocketChannel connection) throws IOException, InterruptedException;
    }

    /** A daemon socket that answers one request its own way; whatever the client does, the answer's end is ignored. */
    private static ServerSocketChannel hostileDaemon(Path socket, Answer answer) throws IOException {
        ServerSocketChannel daemon = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        daemon.bind(UnixDomainSocketAddress.of(socket));
        Thread.ofVirtual().start(() -> {
            try (SocketChannel c = daemon.accept()) {
                ReplyHead.read(c, ApiProtocol.MAX_LINE);
                answer.answer(c);
            } catch (IOException | InterruptedException e) {
                // the client gave up, or the test closed the socket
            }
        });
        return daemon;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
