package io.microlink.netstack.socket;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * A connection's input with one deadline for everything read through it, so that the other end
 * cannot stretch a request, a handshake or an answer by sending a byte at a time: each read
 * waits at most until the deadline (the connection's read timeout set to what is left), and a
 * read once it has passed throws {@link SocketTimeoutException} with the given message. The
 * deadline is asked for at every read, so one stream can carry request after request, each with
 * its own. The connection keeps the last read timeout set here: reset it before reading
 * otherwise (relaying, say).
 *
 * <pre>{@code
 * InputStream head = DeadlineInputStream.within(socket.getInputStream(), socket::setSoTimeout,
 *         Duration.ofSeconds(10), "no complete request within 10 s");
 * }</pre>
 */
public final class DeadlineInputStream extends InputStream {
    /** Sets the connection's read timeout in milliseconds, as {@link StreamConnection#setSoTimeout} does. */
    @FunctionalInterface
    public interface ReadTimeout {
        /**
         * Sets the read timeout.
         *
         * @param millis the read timeout, at least 1
         * @throws IOException if the connection is closed
         */
        void set(int millis) throws IOException;
    }

    private final InputStream in;
    private final ReadTimeout timeout;
    private final LongSupplier deadline;
    private final String late;

    /**
     * A stream whose deadline {@code deadline} says, asked again at every read.
     *
     * @param in       the connection's input
     * @param timeout  sets the connection's read timeout
     * @param deadline the deadline, in {@link System#nanoTime()}'s terms, read at each read
     * @param late     the message of the exception a read after the deadline throws
     */
    public DeadlineInputStream(InputStream in, ReadTimeout timeout, LongSupplier deadline, String late) {
        this.in = in;
        this.timeout = timeout;
        this.deadline = deadline;
        this.late = late;
    }

    /**
     * A stream whose deadline is {@code budget} from now.
     *
     * @param in      the connection's input
     * @param timeout sets the connection's read timeout
     * @param budget  how long everything read through it may take
     * @param late    the message of the exception a read after the deadline throws
     * @return the stream
     */
    public static DeadlineInputStream within(InputStream in, ReadTimeout timeout, Duration budget, String late) {
        long at = System.nanoTime() + budget.toNanos();
        return new DeadlineInputStream(in, timeout, () -> at, late);
    }

    @Override
    public int read() throws IOException {
        arm();
        return in.read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        arm();
        return in.read(b, off, len);
    }

    private void arm() throws IOException {
        long left = deadline.getAsLong() - System.nanoTime();
        if (left <= 0) {
            throw new SocketTimeoutException(late);
        }
        timeout.set((int) Math.min(Integer.MAX_VALUE, Math.max(1, left / 1_000_000)));
    }
}
