package io.microlink.proxy;

import io.microlink.netstack.socket.TailnetSocket;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;

/**
 * Copies bytes both ways between two connections until both directions have ended, then
 * closes both. The end of one direction is passed on as a half-close (FIN), so a client that
 * shuts down its sending side still receives the whole answer. A failure in either direction
 * (a reset, a closed socket) closes both at once, which also ends the other direction.
 *
 * <pre>{@code
 * try (Socket local = new Socket("127.0.0.1", 8080); TailnetSocket remote = node.dial("ts1", 80, timeout)) {
 *     Relay.run(Relay.End.of(local), Relay.End.of(remote));   // returns when both sides are done
 * }
 * }</pre>
 */
public final class Relay {
    private static final int BUFFER_SIZE = 32 * 1024;

    private Relay() {}

    /** One side of a relayed connection: its streams, its half-close and its close. */
    public interface End {
        InputStream in() throws IOException;

        OutputStream out() throws IOException;

        /** Sends FIN: the other party reads end of stream; reading from it goes on. */
        void shutdownOutput() throws IOException;

        void close();

        /** A JDK socket as a relay end. */
        static End of(Socket socket) {
            return new End() {
                @Override
                public InputStream in() throws IOException {
                    return socket.getInputStream();
                }

                @Override
                public OutputStream out() throws IOException {
                    return socket.getOutputStream();
                }

                @Override
                public void shutdownOutput() throws IOException {
                    socket.shutdownOutput();
                }

                @Override
                public void close() {
                    try {
                        socket.close();
                    } catch (IOException e) {
                        // closing is all that was asked; nothing is left to do with it
                    }
                }
            };
        }

        /** A tailnet TCP connection as a relay end. */
        static End of(TailnetSocket socket) {
            return new End() {
                @Override
                public InputStream in() {
                    return socket.getInputStream();
                }

                @Override
                public OutputStream out() {
                    return socket.getOutputStream();
                }

                @Override
                public void shutdownOutput() {
                    socket.shutdownOutput();
                }

                @Override
                public void close() {
                    socket.close();
                }
            };
        }
    }

    /**
     * Relays until both directions have ended (or one failed), then closes both ends. Blocks the
     * calling thread, which carries {@code a -> b}; a virtual thread carries {@code b -> a}.
     */
    public static void run(End a, End b) throws InterruptedException {
        Thread back = Thread.ofVirtual().name("microlink-relay").start(() -> copy(b, a));
        try {
            copy(a, b);
            back.join();
        } finally {
            a.close();
            b.close();
        }
    }

    /** One direction; on failure both ends are closed so that the other direction stops too. */
    private static void copy(End from, End to) {
        byte[] buf = new byte[BUFFER_SIZE];
        try {
            InputStream in = from.in();
            OutputStream out = to.out();
            for (int n; (n = in.read(buf)) >= 0; ) {
                out.write(buf, 0, n);
            }
            to.shutdownOutput();
        } catch (IOException e) {
            from.close();
            to.close();
        }
    }
}
