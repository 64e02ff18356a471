package io.microlink.daemon.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.microlink.daemon.Daemon;
import io.microlink.daemon.cli.CliException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The local API's socket and wire format, with stand-in methods (no node). */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class ApiServerTest {
    @TempDir
    Path tmp;

    private static final Method ECHO_PARAMS = new Method() {
        @Override
        public String method() {
            return "echo";
        }

        @Override
        public Reply handle(ApiRequest request, Daemon daemon) throws ApiException {
            return Reply.of(ApiProtocol.object().put("said", request.text("say")));
        }
    };

    /** Like dial: after the OK line the connection is a raw pipe, here an echo. */
    private static final Method PIPE = new Method() {
        @Override
        public String method() {
            return "pipe";
        }

        @Override
        public Reply handle(ApiRequest request, Daemon daemon) {
            return new Reply(ApiProtocol.object(), client -> {
                Channels.newInputStream(client).transferTo(Channels.newOutputStream(client));
                client.shutdownOutput();
            });
        }
    };

    private Path privateDir() throws Exception {
        return Files.createDirectory(tmp.resolve("run"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }

    @Test
    void answersOneLinePerRequestOnAnOwnerOnlySocket() throws Exception {
        Path socket = privateDir().resolve("api.sock");
        Files.writeString(socket, "stale");   // a socket file a killed daemon left behind
        try (ApiServer server = ApiServer.start(socket, Map.of("echo", ECHO_PARAMS), null)) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket))).isEqualTo("rw-------");
            ApiClient client = new ApiClient(socket);
            JsonNode r = client.call(ApiProtocol.object().put("method", "echo").put("say", "hi"));
            assertThat(r.path("said").asText()).isEqualTo("hi");
            assertThatThrownBy(() -> client.call(ApiProtocol.object().put("method", "echo")))
                    .isInstanceOfSatisfying(CliException.class, e -> assertThat(e.code()).isEqualTo("bad-request"))
                    .hasMessage("'say' is required");
            assertThatThrownBy(() -> client.call(ApiProtocol.object().put("method", "whois")))
                    .hasMessageContaining("no method 'whois'");
        }
        assertThat(socket).doesNotExist();
    }

    @Test
    void refusesASocketDirectoryOthersCanEnter() throws Exception {
        Path open = Files.createDirectory(tmp.resolve("open"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        assertThatThrownBy(() -> ApiServer.start(open.resolve("api.sock"), Map.of(), null))
                .hasMessageContaining("is open to other users (mode rwxr-xr-x)");
    }

    @Test
    void afterTheOkLineBytesFlowBothWaysAtOnceAndHalfClose() throws Exception {
        Path socket = privateDir().resolve("api.sock");
        byte[] data = new byte[4 * 1024 * 1024];
        new Random(5).nextBytes(data);
        try (ApiServer server = ApiServer.start(socket, Map.of("pipe", PIPE), null);
             ApiClient.Stream stream = new ApiClient(socket).open(ApiProtocol.object().put("method", "pipe"))) {
            SocketChannel ch = stream.channel();
            // Writing everything before reading would deadlock on full buffers: both run at once.
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    OutputStream out = Channels.newOutputStream(ch);
                    out.write(data);
                    ch.shutdownOutput();
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            byte[] back = stream.input().readAllBytes();
            writer.join();
            assertThat(Arrays.equals(back, data)).isTrue();
        }
    }

    @Test
    void bytesSentInTheSameWriteAsTheOkLineReachTheStreamsReaderFirst() throws Exception {
        Path socket = privateDir().resolve("api.sock");
        byte[] ok = "{\"ok\":true,\"result\":{}}\n".getBytes(StandardCharsets.US_ASCII);
        byte[] greeting = new byte[20_000];   // more than one block of the reply reader
        new Random(7).nextBytes(greeting);
        try (ServerSocketChannel daemon = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            daemon.bind(UnixDomainSocketAddress.of(socket));
            // A stand-in daemon sending the OK line and the stream's start at once, as a fast
            // pipe may: the client's first read of the reply takes some of the stream with it.
            Thread side = Thread.ofVirtual().start(() -> {
                try (SocketChannel c = daemon.accept()) {
                    ReplyHead.read(c, ApiProtocol.MAX_LINE);
                    ByteBuffer all = ByteBuffer.allocate(ok.length + greeting.length).put(ok).put(greeting).flip();
                    while (all.hasRemaining()) {
                        c.write(all);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            try (ApiClient.Stream stream = new ApiClient(socket).open(ApiProtocol.object().put("method", "greets"))) {
                assertThat(Arrays.equals(stream.input().readAllBytes(), greeting)).isTrue();
            }
            side.join();
        }
    }

    @Test
    void connectionsThatFailUnexpectedlyAreDroppedCountedAndTheSocketGoesOn() throws Exception {
        Path socket = privateDir().resolve("api.sock");
        Method broken = new Method() {
            @Override
            public String method() {
                return "broken";
            }

            @Override
            public Reply handle(ApiRequest request, Daemon daemon) {
                return new Reply(ApiProtocol.object(), client -> {
                    throw new IllegalStateException("injected: a pipe that breaks");
                });
            }
        };
        AtomicInteger runs = new AtomicInteger();
        Executor failingOnce = task -> {
            if (runs.incrementAndGet() == 1) {
                throw new RejectedExecutionException("injected: no thread for this connection");
            }
            Thread.ofVirtual().start(task);
        };
        try (ApiServer server = ApiServer.start(socket, Map.of("echo", ECHO_PARAMS, "broken", broken), null,
                failingOnce)) {
            ApiClient client = new ApiClient(socket);
            assertThatThrownBy(() -> client.call(ApiProtocol.object().put("method", "echo").put("say", "lost")))
                    .isInstanceOf(CliException.class);
            // More broken connections than there are slots: none may keep its slot.
            for (int i = 0; i < ApiServer.MAX_CONNECTIONS + 1; i++) {
                try (ApiClient.Stream stream = client.open(ApiProtocol.object().put("method", "broken"))) {
                    assertThat(stream.input().read()).isEqualTo(-1);
                }
            }
            assertThat(client.call(ApiProtocol.object().put("method", "echo").put("say", "ok")).path("said").asText())
                    .isEqualTo("ok");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (server.failedConnections() < ApiServer.MAX_CONNECTIONS + 2 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(server.failedConnections()).isEqualTo(ApiServer.MAX_CONNECTIONS + 2);
        }
    }

    @Test
    void aLineLongerThanTheLimitIsRefusedAndTheServerGoesOn() throws Exception {
        Path socket = privateDir().resolve("api.sock");
        try (ApiServer server = ApiServer.start(socket, Map.of("echo", ECHO_PARAMS), null)) {
            ApiClient client = new ApiClient(socket);
            // The daemon stops reading at the limit: the client hears "longer than", or a broken pipe.
            assertThatThrownBy(() -> client.call(ApiProtocol.object().put("method", "echo")
                    .put("say", "x".repeat(ApiProtocol.MAX_LINE + 1)))).isInstanceOf(CliException.class);
            assertThat(client.call(ApiProtocol.object().put("method", "echo").put("say", "ok")).path("said").asText())
                    .isEqualTo("ok");
        }
    }
}
