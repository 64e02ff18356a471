package io.microlink.daemon.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.microlink.daemon.Daemon;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * One thing the daemon's local API does, named by the request's {@code method}. Usually a
 * CLI verb implements both its client side ({@link io.microlink.daemon.cli.Verb}) and this.
 */
public interface Method {
    /** Continues a connection after the OK line: {@code dial} pipes the raw stream through it. */
    interface Pipe {
        void run(SocketChannel client) throws IOException;
    }

    /** What the daemon sends back: the result object, and optionally a pipe that takes over the connection. */
    record Reply(ObjectNode result, Pipe pipe) {
        public static Reply of(ObjectNode result) {
            return new Reply(result, null);
        }

        /**
         * {@code text} as a body after the reply line: the result is {@code {"bytes":N}} and N
         * bytes of UTF-8 follow it, then the daemon closes. For clients that print what the
         * daemon rendered and should need no JSON parser for it (the CLI's fast {@code status}).
         */
        public static Reply withBody(String text) {
            byte[] body = text.getBytes(StandardCharsets.UTF_8);
            return new Reply(ApiProtocol.object().put("bytes", body.length), client -> {
                ByteBuffer rest = ByteBuffer.wrap(body);
                while (rest.hasRemaining()) {
                    client.write(rest);
                }
            });
        }
    }

    String method();

    Reply handle(ApiRequest request, Daemon daemon) throws ApiException, InterruptedException;
}
