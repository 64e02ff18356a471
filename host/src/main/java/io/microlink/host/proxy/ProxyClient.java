package io.microlink.host.proxy;

import io.microlink.netstack.socket.DeadlineInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

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
    private final Consumer<String> refusals;
    private final AtomicBoolean inHandshake = new AtomicBoolean(true);

    /** @param refusals the listener's rate-limited log of refused requests, given one refusal's description */
    ProxyClient(Socket socket, boolean admitted, Duration handshakeTimeout, Runnable onLeave, Consumer<String> refusals)
            throws IOException {
        this.socket = socket;
        this.admitted = admitted;
        this.onLeave = onLeave;
        this.refusals = refusals;
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

    /**
     * Logs that this client's request was refused and why, at most once per interval for the
     * whole listener (with how many since): clients can be refused as fast as they connect, and
     * each refusal is the client's doing, so one line each would let any local process flood the log.
     */
    void refused(String why) {
        refusals.accept("client " + socket.getRemoteSocketAddress() + ": " + why);
    }

    /** The request is read: no deadline on reads any more, and the source's handshake count goes down. */
    void handshakeDone() throws IOException {
        leaveHandshake();
        socket.setSoTimeout(0);
    }

    /**
     * Uncounts the client from its source's handshakes, once, however the session ended.
     *
     * @return true if the client was still in its handshake (the session ended before it was through)
     */
    boolean leaveHandshake() {
        if (inHandshake.compareAndSet(true, false)) {
            onLeave.run();
            return true;
        }
        return false;
    }
}
