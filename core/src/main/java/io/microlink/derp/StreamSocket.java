package io.microlink.derp;

import io.microlink.DerpTransport;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;

/**
 * An embedder's {@link DerpTransport.Stream} dressed as a connected socket, so that the JDK's
 * TLS can be layered on it and the DERP client, the login deadline and close work as they do on
 * a TCP connection. Socket options have no meaning here: a read timeout is remembered and
 * reported but not enforced (the stream's own link decides when a read fails).
 */
final class StreamSocket extends Socket {
    /** No local address of ours leaves a network: the stream is the embedder's. */
    private static final InetAddress NONE = InetAddress.ofLiteral("0.0.0.0");

    private final DerpTransport.Stream stream;
    private volatile boolean closed;
    private volatile int soTimeout;

    StreamSocket(DerpTransport.Stream stream) {
        this.stream = stream;
    }

    /** Whether the embedder's stream already carries TLS to the relay. */
    boolean secure() {
        return stream.secure();
    }

    @Override
    public InputStream getInputStream() throws IOException {
        requireOpen();
        return stream.input();
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
    public void setSoTimeout(int timeout) {
        soTimeout = timeout;
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
}
