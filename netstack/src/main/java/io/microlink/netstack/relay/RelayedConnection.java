package io.microlink.netstack.relay;

import io.microlink.netstack.socket.ForwardingStreamConnection;
import io.microlink.netstack.socket.StreamConnection;
import io.microlink.netstack.socket.TailnetSocket;
import java.io.Closeable;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * One relayed TCP connection as its owner's slot holds it: the client's end, and when a byte
 * last came in on either end, which {@link TcpRelay#expireIdle} reads. Closing it resets the
 * client, which ends the relay and so closes the far end too.
 */
final class RelayedConnection implements Closeable {
    private final TailnetSocket client;
    private volatile long lastActiveNanos = System.nanoTime();

    RelayedConnection(TailnetSocket client) {
        this.client = client;
    }

    /**
     * How long no byte came in on either watched end.
     *
     * @param nowNanos the time now, {@link System#nanoTime()}'s
     * @return the idle time in nanoseconds
     */
    long idleNanos(long nowNanos) {
        return nowNanos - lastActiveNanos;
    }

    /**
     * {@code end} as it is, except that each read that returns bytes marks this connection active.
     * Counting what is read is enough: a relay writes only what it read.
     *
     * @param end one end of the relay
     * @return the watched end
     */
    StreamConnection watch(StreamConnection end) {
        return new ForwardingStreamConnection() {
            @Override
            protected StreamConnection delegate() {
                return end;
            }

            @Override
            public InputStream getInputStream() throws IOException {
                return new FilterInputStream(end.getInputStream()) {
                    @Override
                    public int read() throws IOException {
                        int b = super.read();
                        if (b >= 0) {
                            touch();
                        }
                        return b;
                    }

                    @Override
                    public int read(byte[] b, int off, int len) throws IOException {
                        int n = super.read(b, off, len);
                        if (n > 0) {
                            touch();
                        }
                        return n;
                    }
                };
            }
        };
    }

    private void touch() {
        lastActiveNanos = System.nanoTime();
    }

    @Override
    public void close() {
        client.abort();
    }
}
