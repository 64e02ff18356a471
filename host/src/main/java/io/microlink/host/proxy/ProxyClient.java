package io.microlink.host.proxy;

import io.microlink.netstack.socket.DeadlineInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One accepted client of a proxy, as its session sees it: the socket, whether the proxy had a
 * slot for it, and its handshake. The handshake is read through {@link #handshakeInput()},
 * which has one deadline for all of it; {@link #handshakeDone()} ends that phase, after which
 * the client no longer counts against its source address's handshake limit.
 */
final class ProxyClient {
    private final Socket socket;
    private final boolean admitted;
    private final InputStream handshakeInput;
    private final Runnable onLeave;
    private final AtomicBoolean inHandshake = new AtomicBoolean(true);

    ProxyClient(Socket socket, boolean admitted, Duration handshakeTimeout, Runnable onLeave)
            throws IOException {
        this.socket = socket;
        this.admitted = admitted;
        this.onLeave = onLeave;
        this.handshakeInput = DeadlineInputStream.within(socket.getInputStream(), socket::setSoTimeout, handshakeTimeout,
                "no complete request within " + handshakeTimeout.toMillis() + " ms");
    }

    Socket socket() {
        return socket;
    }

    /** False when the proxy is at its limit: the session answers with a refusal and returns. */
    boolean admitted() {
        return admitted;
    }

    /** The client's input for the handshake: past the handshake timeout a read throws {@link java.net.SocketTimeoutException}. */
    InputStream handshakeInput() {
        return handshakeInput;
    }

    /** The request is read: no deadline on reads any more, and the source's handshake count goes down. */
    void handshakeDone() throws IOException {
        leaveHandshake();
        socket.setSoTimeout(0);
    }

    /** Uncounts the client from its source's handshakes, once, however the session ended. */
    void leaveHandshake() {
        if (inHandshake.compareAndSet(true, false)) {
            onLeave.run();
        }
    }
}
