package io.microlink.daemon.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.microlink.daemon.cli.CliException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The CLI's side of the local API: one connection per request.
 *
 * <pre>{@code
 * JsonNode status = new ApiClient(socket).call(ApiProtocol.object().put("method", "status"));
 * }</pre>
 */
public final class ApiClient {
    private final Path socket;

    public ApiClient(Path socket) {
        this.socket = socket;
    }

    /** Sends {@code request} and returns the daemon's result; a refusal becomes a {@link CliException} with its message. */
    public JsonNode call(ObjectNode request) throws CliException {
        try (SocketChannel ch = connect()) {
            return result(send(ch, request));
        } catch (IOException e) {
            throw lost(e);
        }
    }

    /**
     * Sends {@code request} and, once the daemon said OK, hands over the connection for the raw
     * stream that follows (the caller closes it).
     */
    public Stream open(ObjectNode request) throws CliException {
        SocketChannel ch = connect();
        try {
            ReplyHead head = send(ch, request);
            result(head);
            return new Stream(ch, new SequenceInputStream(new ByteArrayInputStream(head.overRead().array(),
                    head.overRead().position(), head.overRead().remaining()), Channels.newInputStream(ch)));
        } catch (CliException | IOException e) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // already failing
            }
            throw e instanceof CliException c ? c : lost((IOException) e);
        }
    }

    /**
     * A connection handed over after the daemon's OK: write to {@code channel}, read from
     * {@code input}, which first gives the bytes read past the reply line.
     */
    public record Stream(SocketChannel channel, InputStream input) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    /** Writes the request line and reads the reply's line in blocks (see {@link ReplyHead}). */
    private static ReplyHead send(SocketChannel ch, ObjectNode request) throws IOException {
        ApiProtocol.writeLine(Channels.newOutputStream(ch), request);
        return ReplyHead.read(ch, ApiProtocol.MAX_LINE);
    }

    private static JsonNode result(ReplyHead head) throws IOException, CliException {
        if (head == null) {
            throw new IOException("the daemon closed the connection without an answer");
        }
        JsonNode reply = ApiProtocol.parse(head.line());
        if (!reply.path("ok").asBoolean()) {
            throw new CliException(reply.path("error").asText("the daemon refused without a reason"),
                    CliException.FAILED, reply.path("code").asText(ApiException.FAILED));
        }
        return reply.path("result");
    }

    private SocketChannel connect() throws CliException {
        if (!Files.exists(socket)) {
            throw notRunning("no socket at " + socket);
        }
        SocketChannel ch = null;
        try {
            ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            ch.connect(UnixDomainSocketAddress.of(socket));
            return ch;
        } catch (IOException e) {
            try {
                if (ch != null) {
                    ch.close();
                }
            } catch (IOException ignored) {
                // already failing
            }
            if (e instanceof AccessDeniedException || String.valueOf(e.getMessage()).contains("ermission denied")) {
                throw new CliException("cannot reach the daemon's socket " + socket + ": permission denied (run"
                        + " as the user the daemon runs as, or as root)");
            }
            throw notRunning("nothing listens on " + socket);
        }
    }

    private CliException notRunning(String detail) {
        return new CliException("the microlink daemon is not running (" + detail + "); start it with `microlink"
                + " daemon`, or point --state-dir/--socket at the running one");
    }

    private CliException lost(IOException e) {
        return new CliException("lost the connection to the daemon at " + socket + ": " + e.getMessage());
    }
}
