package io.microlink.host.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * A socket's input with one deadline for everything read through it, so that a client cannot
 * stretch its handshake by sending a byte at a time. Reads past the deadline throw
 * {@link SocketTimeoutException}; the socket keeps the last read timeout set here, so reset it
 * ({@code setSoTimeout(0)}) before relaying.
 */
final class DeadlineInputStream extends InputStream {
    private final Socket socket;
    private final InputStream in;
    private final Duration budget;
    private final long deadline;

    DeadlineInputStream(Socket socket, Duration budget) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.budget = budget;
        this.deadline = System.nanoTime() + budget.toNanos();
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
        long leftMillis = (deadline - System.nanoTime()) / 1_000_000;
        if (leftMillis <= 0) {
            throw new SocketTimeoutException("no complete request within " + budget.toMillis() + " ms");
        }
        socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, leftMillis));
    }
}
