package io.microlink.derp;

import io.microlink.DerpTransport;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * An embedder's {@link DerpTransport.Stream} dressed as a connected socket, so that the JDK's
 * TLS can be layered on it and the DERP client, the login deadline and close work as they do on
 * a TCP connection. The read timeout is enforced as on a TCP socket, except that a read which
 * outlasts it closes the stream (closing is the one way the stream's contract offers to end a
 * blocked read): the DERP client's two-minute bound on a silent relay then holds for a link that
 * goes quiet without an error, as it does over its own TCP connections. Other socket options
 * have no meaning here.
 */
final class StreamSocket extends Socket {
    /** No local address of ours leaves a network: the stream is the embedder's. */
    private static final InetAddress NONE = InetAddress.ofLiteral("0.0.0.0");

    private final DerpTransport.Stream stream;
    private final InputStream input;
    private volatile boolean closed;
    private volatile int soTimeout;
    /** When the read now blocked began ({@code System.nanoTime()}), or 0 while none is. */
    private volatile long readingSince;
    /** Whether the watchdog closed the stream, so that the failed read reports a timeout. */
    private volatile boolean timedOut;
    /** Started by the first timed read; ends with the socket. */
    private Thread watchdog;

    StreamSocket(DerpTransport.Stream stream) {
        this.stream = stream;
        this.input = new TimedInput(stream.input());
    }

    /** Whether the embedder's stream already carries TLS to the relay. */
    boolean secure() {
        return stream.secure();
    }

    @Override
    public InputStream getInputStream() throws IOException {
        requireOpen();
        return input;
    }

    @Override
    public OutputStream getOutputStream() throws IOException {
        requireOpen();
        return stream.output();
    }

    private void requireOpen() throws IOException {
        if (closed) {
            throw new java.net.SocketException("DERP transport stream is closed");
        }
    }

    @Override
    public boolean isConnected() {
        return true;
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public synchronized void close() throws IOException {
        if (!closed) {
            closed = true;
            if (watchdog != null) {
                watchdog.interrupt();
            }
            try {
                stream.close();
            } finally {
                super.close(); // the base socket's own state, should anything have asked it
            }
        }
    }

    /** The base class would create an OS socket to answer: this one has no peer address of its own. */
    @Override
    public InetAddress getInetAddress() {
        return null;
    }

    @Override
    public int getPort() {
        return 0;
    }

    @Override
    public int getLocalPort() {
        return -1;
    }

    @Override
    public synchronized void setSoTimeout(int timeout) {
        soTimeout = timeout;
        if (closed) {
            return;
        }
        if (watchdog == null) {
            watchdog = Thread.ofVirtual().name("microlink-derp-stream-watchdog").start(this::watch);
        } else {
            watchdog.interrupt(); // to sleep by the new timeout
        }
    }

    /**
     * Closes the stream once a read has blocked for the read timeout. Wakes once per timeout
     * while nothing is read, and at the deadline of the read that is; an interrupt (a new
     * timeout, or the close) wakes it early.
     */
    private void watch() {
        while (!closed) {
            long since = readingSince;
            long timeout = TimeUnit.MILLISECONDS.toNanos(soTimeout);
            long left = timeout <= 0 ? Long.MAX_VALUE : since == 0 ? timeout : since + timeout - System.nanoTime();
            if (left > 0) {
                try {
                    Thread.sleep(Duration.ofNanos(left));
                } catch (InterruptedException e) {
                    // closed, or the timeout changed: look again
                }
            } else if (readingSince == since) {
                timedOut = true;
                try {
                    close();
                } catch (IOException e) {
                    // the embedder's close failed; the stream is as closed as it will get
                }
            }
        }
    }

    @Override
    public int getSoTimeout() {
        return soTimeout;
    }

    @Override
    public void setTcpNoDelay(boolean on) {
        // the embedder's link has no Nagle to turn off
    }

    @Override
    public InetAddress getLocalAddress() {
        return NONE;
    }

    @Override
    public boolean isInputShutdown() {
        return closed;
    }

    @Override
    public boolean isOutputShutdown() {
        return closed;
    }

    private SocketTimeoutException timeout(IOException cause) {
        SocketTimeoutException e = new SocketTimeoutException("the DERP transport stream sent nothing for "
                + soTimeout + " ms");
        if (cause != null) {
            e.initCause(cause);
        }
        return e;
    }

    /** The stream's input, its reads watched against the read timeout. */
    private final class TimedInput extends java.io.FilterInputStream {
        TimedInput(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            readingSince = System.nanoTime() | 1; // never 0, the mark for no read
            int n;
            try {
                n = in.read(b, off, len);
            } catch (IOException e) {
                throw timedOut ? timeout(e) : e;
            } finally {
                readingSince = 0;
            }
            if (timedOut) {
                throw timeout(null); // the stream answered the close with an end of stream
            }
            return n;
        }
    }
}
