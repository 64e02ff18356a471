package io.microlink.netstack.socket;

import io.microlink.netstack.tcp.TcpConnection;
import io.microlink.netstack.tcp.TcpError;
import io.microlink.netstack.tcp.TcpState;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A TCP connection over the tailnet, used like a {@link java.net.Socket}: blocking streams,
 * a read timeout, half-close and close. Reads and writes of one socket may run on two
 * threads at once, as with the JDK's sockets.
 *
 * <pre>{@code
 * try (TailnetSocket s = node.dial("ts1", 8080, Duration.ofSeconds(10))) {
 *     s.getOutputStream().write("hello\n".getBytes(StandardCharsets.UTF_8));
 *     String reply = new BufferedReader(new InputStreamReader(s.getInputStream())).readLine();
 * }
 * }</pre>
 */
public final class TailnetSocket implements StreamConnection {
    private final Netstack stack;
    private final TcpConnection connection;
    private final InputStream in = new In();
    private final OutputStream out = new Out();
    private volatile int readTimeoutMillis;
    private volatile boolean closed;

    TailnetSocket(Netstack stack, TcpConnection connection) {
        this.stack = stack;
        this.connection = connection;
    }

    void awaitConnected(InetAddress remote, int port, long timeoutMillis) throws IOException {
        long left = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        stack.lock.lock();
        try {
            while (connection.state() == TcpState.SYN_SENT) {
                if (left <= 0) {
                    connection.abort();
                    stack.flushLocked();
                    throw new SocketTimeoutException("no answer from " + remote.getHostAddress() + ":" + port
                            + " within " + timeoutMillis + " ms");
                }
                left = stack.await(left);
            }
            if (connection.state() == TcpState.CLOSED) {
                throw connection.error() == TcpError.REFUSED
                        ? new ConnectException("connection refused by " + remote.getHostAddress() + ":" + port)
                        : new ConnectException("connecting to " + remote.getHostAddress() + ":" + port + " failed: "
                                + connection.error());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while connecting");
        } finally {
            stack.lock.unlock();
        }
    }

    public InputStream getInputStream() {
        return in;
    }

    public OutputStream getOutputStream() {
        return out;
    }

    /** Like {@link java.net.Socket#setSoTimeout}: 0 (default) waits forever. */
    public void setSoTimeout(int millis) {
        if (millis < 0) {
            throw new IllegalArgumentException("timeout must not be negative: " + millis);
        }
        this.readTimeoutMillis = millis;
    }

    public InetSocketAddress getRemoteSocketAddress() {
        return socketAddress(connection.remoteIp(), connection.remotePort());
    }

    /**
     * This end's tailnet address and port.
     *
     * @return the local address
     */
    @Override
    public InetSocketAddress getLocalSocketAddress() {
        return socketAddress(connection.localIp(), connection.localPort());
    }

    private static InetSocketAddress socketAddress(byte[] ip, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByAddress(ip), port);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("a connection holds a malformed address", e);
        }
    }

    /** Sends FIN: the peer reads end of stream, and this side can still read. */
    public void shutdownOutput() {
        stack.withTcp(connection::shutdownOutput);
    }

    /** Closes both directions; a read or write blocked on another thread fails at once, as with the JDK's sockets. */
    @Override
    public void close() {
        closed = true;
        stack.withTcp(() -> {
            connection.close();
            stack.changed.signalAll();
        });
    }

    /**
     * Drops the connection at once and tells the peer with RST, as a router does when it cannot
     * open the connection it relays this one to: the peer's application fails at once instead of
     * reading a clean end. A read or write blocked on another thread fails at once.
     */
    public void abort() {
        closed = true;
        stack.withTcp(() -> {
            connection.abort();
            stack.changed.signalAll();
        });
    }

    @Override
    public String toString() {
        return "TailnetSocket[" + getLocalSocketAddress() + " -> " + getRemoteSocketAddress() + ", "
                + connection.state() + "]";
    }

    private IOException failure(String doing) {
        TcpError error = connection.error();
        return error == TcpError.RESET ? new SocketException("connection reset by peer while " + doing)
                : new SocketException("connection " + (error == null ? "closed" : error.name().toLowerCase()) + " while "
                        + doing);
    }

    private final class In extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return 0;
            }
            int timeout = readTimeoutMillis;
            long left = timeout == 0 ? Long.MAX_VALUE : TimeUnit.MILLISECONDS.toNanos(timeout);
            stack.lock.lock();
            try {
                while (true) {
                    if (closed) {
                        throw new SocketException("socket closed");
                    }
                    int n = connection.read(b, off, len);
                    if (n > 0) {
                        stack.flushLocked(); // a window update may be due
                        return n;
                    }
                    if (n < 0) {
                        TcpError error = connection.error();
                        if (error != null && error != TcpError.ABORTED) {
                            throw failure("reading");
                        }
                        return -1;
                    }
                    if (left <= 0) {
                        throw new SocketTimeoutException("read timed out after " + timeout + " ms");
                    }
                    left = stack.await(left);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while reading");
            } finally {
                stack.lock.unlock();
            }
        }

        @Override
        public int available() {
            stack.lock.lock();
            try {
                return connection.available();
            } finally {
                stack.lock.unlock();
            }
        }

        @Override
        public void close() {
            TailnetSocket.this.close();
        }
    }

    private final class Out extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            stack.lock.lock();
            try {
                while (len > 0) {
                    if (closed) {
                        throw new SocketException("socket closed");
                    }
                    int n = connection.write(b, off, len);
                    if (n < 0) {
                        throw failure("writing");
                    }
                    if (n > 0) {
                        off += n;
                        len -= n;
                        stack.flushLocked();
                    } else {
                        stack.await(Long.MAX_VALUE);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while writing");
            } finally {
                stack.lock.unlock();
            }
        }

        @Override
        public void close() {
            TailnetSocket.this.close();
        }
    }
}
