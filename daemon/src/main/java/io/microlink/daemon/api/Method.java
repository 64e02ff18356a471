package io.microlink.daemon.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.microlink.daemon.Daemon;
import java.io.IOException;
import java.nio.channels.SocketChannel;

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
    }

    String method();

    Reply handle(ApiRequest request, Daemon daemon) throws ApiException, InterruptedException;
}
