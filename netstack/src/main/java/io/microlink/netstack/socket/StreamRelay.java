package io.microlink.netstack.socket;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Copies bytes both ways between two connections until both directions have ended, then
 * closes both: the local proxies and served ports use it, and so does the LOPOWER bridge
 * between a device's connection and the tailnet. The end of one direction is passed on as a
 * half-close (FIN), so a client that shuts down its sending side still receives the whole
 * answer. A failure in either direction
 * (a reset, a closed socket) closes both at once, which also ends the other direction.
 *
 * <pre>{@code
 * try (Socket local = new Socket("127.0.0.1", 8080); TailnetSocket remote = node.dial("ts1", 80, timeout)) {
 *     StreamRelay.run(StreamConnection.of(local), remote);   // returns when both sides are done
 * }
 * }</pre>
 */
public final class StreamRelay {
    private static final int BUFFER_SIZE = 32 * 1024;

    private StreamRelay() {}

    /**
     * Relays until both directions have ended (or one failed), then closes both ends. Blocks the
     * calling thread, which carries {@code a -> b}; a virtual thread carries {@code b -> a}.
     *
     * @param a one end
     * @param b the other end
     * @throws InterruptedException if the calling thread is interrupted while the other direction runs
     */
    public static void run(StreamConnection a, StreamConnection b) throws InterruptedException {
        Thread back = Thread.ofVirtual().name("microlink-relay").start(() -> copy(b, a));
        try {
            copy(a, b);
            back.join();
        } finally {
            closeQuietly(a);
            closeQuietly(b);
        }
    }

    /** One direction; on failure both ends are closed so that the other direction stops too. */
    private static void copy(StreamConnection from, StreamConnection to) {
        byte[] buf = new byte[BUFFER_SIZE];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            for (int n; (n = in.read(buf)) >= 0; ) {
                out.write(buf, 0, n);
            }
            to.shutdownOutput();
        } catch (IOException e) {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void closeQuietly(StreamConnection c) {
        try {
            c.close();
        } catch (IOException e) {
            // closing is all that was asked; nothing is left to do with it
        }
    }
}
