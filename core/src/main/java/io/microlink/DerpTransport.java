package io.microlink;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;

/**
 * Carries the node's connections to DERP relays over a byte stream of the embedder's making: a
 * modem's own TCP stack (AT commands), a tunnel, a test relay. The node asks for a stream to a
 * relay's host and port and then runs TLS (unless the stream says it is already secure) and the
 * DERP protocol over it, exactly as over its own TCP connection. Direct UDP paths are not
 * affected; set this when DERP is the only way out.
 *
 * <pre>{@code
 * TailnetNode node = TailnetNode.builder()
 *         .derpTransport((host, port, timeout) -> {
 *             ModemSocket m = modem.openTcp(host, port, timeout);
 *             return DerpTransport.Stream.of(m.input(), m.output(), m, false);
 *         })
 *         ...
 *         .build();
 * }</pre>
 */
@FunctionalInterface
public interface DerpTransport {
    /**
     * Opens a byte stream to a relay; called once per connection, on a thread that may block.
     *
     * @param host    the relay's host name (from the DERP map), for the embedder to resolve or hand on
     * @param port    its TCP port: 443 for TLS relays unless the DERP map names another
     * @param timeout how long the node will wait for the whole connection, login included
     * @return the open stream
     * @throws IOException when the relay cannot be reached; the node retries later
     */
    Stream open(String host, int port, Duration timeout) throws IOException;

    /**
     * One open byte stream. {@link #close()} must end a read blocked in {@link #input()}: that is
     * how the node gives up on a relay that stalls. The node closes the stream when it is done.
     */
    interface Stream extends Closeable {
        /**
         * The relay's bytes; end of stream or an IOException when the link is gone.
         *
         * @return the stream's input
         */
        InputStream input();

        /**
         * Our bytes to the relay.
         *
         * @return the stream's output
         */
        OutputStream output();

        /**
         * Whether the stream is already encrypted and authenticated to the relay (the embedder
         * ran TLS itself); if false the node runs TLS over it to a TLS relay.
         *
         * @return true if the node must not add TLS
         */
        boolean secure();

        /**
         * A stream of the given parts.
         *
         * @param input  the relay's bytes
         * @param output our bytes to the relay
         * @param closer closes the link (and so ends a blocked read)
         * @param secure whether the link already carries TLS to the relay
         * @return the stream
         */
        static Stream of(InputStream input, OutputStream output, Closeable closer, boolean secure) {
            return new Stream() {
                @Override
                public InputStream input() {
                    return input;
                }

                @Override
                public OutputStream output() {
                    return output;
                }

                @Override
                public boolean secure() {
                    return secure;
                }

                @Override
                public void close() throws IOException {
                    closer.close();
                }
            };
        }
    }
}
