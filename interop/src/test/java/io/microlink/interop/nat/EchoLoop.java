package io.microlink.interop.nat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * A steady trickle through one TCP connection to an echo server: a byte every
 * {@value #PERIOD_MS} ms into a process's standard input (e.g. {@code microlink nc}), each
 * checked as it comes back on its standard output, with when it left and when it returned.
 * That tells when traffic flows again after the path broke, and that nothing was lost,
 * duplicated or reordered on the way.
 */
final class EchoLoop implements AutoCloseable {
    static final long PERIOD_MS = 5;
    /** Enough for the test's few minutes at one byte per period. */
    private static final int CAPACITY = 1 << 16;

    private final Process process;
    private final long[] sentAt = new long[CAPACITY];
    private final long[] returnedAt = new long[CAPACITY];
    private volatile int sent;
    private volatile int returned;
    private volatile String broken;
    private volatile boolean running = true;
    private final Thread writer;
    private final Thread reader;

    EchoLoop(Process process) {
        this.process = process;
        this.writer = Thread.ofVirtual().name("echo-writer").start(this::write);
        this.reader = Thread.ofVirtual().name("echo-reader").start(this::read);
    }

    private void write() {
        OutputStream out = process.getOutputStream();
        try {
            while (running && sent < CAPACITY) {
                int i = sent;
                sentAt[i] = System.nanoTime();
                out.write(i & 0xff);
                out.flush();
                sent = i + 1;
                Thread.sleep(PERIOD_MS);
            }
        } catch (IOException | InterruptedException e) {
            if (running) {
                broken = "writing failed after " + sent + " bytes: " + e;
            }
        }
    }

    private void read() {
        InputStream in = process.getInputStream();
        try {
            for (int b; (b = in.read()) >= 0; ) {
                int i = returned;
                if (b != (i & 0xff)) {
                    broken = "byte " + i + " came back as " + b;
                    return;
                }
                returnedAt[i] = System.nanoTime();
                returned = i + 1;
            }
            if (running) {
                broken = "the connection closed after " + returned + " bytes";
            }
        } catch (IOException e) {
            if (running) {
                broken = "reading failed after " + returned + " bytes: " + e;
            }
        }
    }

    /** Fails if the stream broke: closed, or a byte came back wrong. */
    void requireIntact() {
        if (broken != null) {
            throw new AssertionError("echo loop: " + broken);
        }
    }

    /**
     * Waits until a byte written at or after {@code sinceNanos} ({@link System#nanoTime}) has
     * come back, and returns how long after {@code sinceNanos} it did: traffic flows again.
     */
    Duration flowingAgainAfter(long sinceNanos, Duration timeout) throws TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            requireIntact();
            int first = firstSentSince(sinceNanos);
            if (first >= 0 && returned > first) {
                return Duration.ofNanos(returnedAt[first] - sinceNanos);
            }
            Thread.sleep(2);
        }
        throw new TimeoutException("no byte written after the change came back within " + timeout + " (" + sent
                + " written, " + returned + " returned)");
    }

    private int firstSentSince(long sinceNanos) {
        for (int i = sent - 1; i >= 0; i--) {
            if (sentAt[i] - sinceNanos < 0) {
                return i + 1 < sent ? i + 1 : -1;
            }
        }
        return sent > 0 ? 0 : -1;
    }

    /** Bytes that made the round trip so far. */
    int returned() {
        return returned;
    }

    @Override
    public void close() {
        running = false;
        process.destroyForcibly();
        writer.interrupt();
        try {
            writer.join(Duration.ofSeconds(5));
            reader.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
