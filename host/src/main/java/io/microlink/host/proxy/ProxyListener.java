package io.microlink.host.proxy;

import io.microlink.host.limits.PerSourceLimit;
import io.microlink.host.limits.Refusals;
import io.microlink.netstack.DroppedInput;
import io.microlink.netstack.socket.DeadlineInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The accept loop both local proxies share: a server socket on the settings' address, one
 * virtual thread per client, at most {@code maxConnections} clients served at once. Clients
 * beyond that still get an answer in their protocol (the session is told it was not admitted),
 * up to {@value #REFUSALS_AT_ONCE} at a time; past that they are closed unanswered.
 *
 * <p>Slow clients cannot take every slot: each source address may have at most
 * {@code maxHandshakesPerSource} clients in their handshake (which has one deadline for all of
 * it), and more from that address are closed on arrival while other addresses are served as
 * usual. A client whose session throws is dropped and counted; the loop carries on.
 */
final class ProxyListener implements Closeable {
    static final System.Logger LOG = System.getLogger("io.microlink.proxy");
    private static final int REFUSALS_AT_ONCE = 32;
    private static final int BACKLOG = 128;
    private static final Duration DRAIN_TIME = Duration.ofSeconds(1);
    private static final int DRAIN_LIMIT = 64 * 1024;
    private static final long ACCEPT_RETRY_MILLIS = 100;

    /** What one proxy does with one client; the listener closes the client afterwards. */
    @FunctionalInterface
    interface Session {
        /** Serves {@code client}; when it is not {@link ProxyClient#admitted()}, answers with a refusal and returns. */
        void serve(ProxyClient client) throws IOException, InterruptedException;
    }

    private final String protocol;
    private final ServerSocket server;
    private final Session session;
    private final Duration handshakeTimeout;
    private final Semaphore slots;
    private final Semaphore refusals = new Semaphore(REFUSALS_AT_ONCE);
    private final PerSourceLimit handshakes;
    private final Set<Socket> clients = ConcurrentHashMap.newKeySet();
    private final DroppedInput dropped;
    /** Clients closed unanswered because their source had too many in their handshake. */
    private final Refusals busySource;
    /** Clients closed unanswered because every slot and every refusal slot was taken. */
    private final Refusals full;
    /** Requests the sessions refused (bad greeting, credentials or request, a dial that failed), for the log. */
    private final Refusals refusedRequests;
    /** Clients answered with a refusal in their protocol because every slot was taken. */
    private final Refusals refusedAnswered;
    /** Clients whose session ended before their handshake was through (bad greeting or credentials, junk, too slow). */
    private final AtomicLong failedHandshakes = new AtomicLong();
    private final Thread acceptor;

    private ProxyListener(String protocol, ServerSocket server, ProxySettings settings, Session session) {
        this.protocol = protocol;
        this.server = server;
        this.session = session;
        this.handshakeTimeout = settings.handshakeTimeout();
        this.slots = new Semaphore(settings.maxConnections());
        this.handshakes = new PerSourceLimit(settings.maxHandshakesPerSource());
        this.dropped = new DroppedInput(LOG, protocol + " proxy connection");
        this.busySource = new Refusals(LOG, protocol + " proxy: closed {0} connection(s) unanswered since the last"
                + " warning: a source had too many in their handshake (the latest: {1})");
        this.refusedRequests = new Refusals(LOG, Level.INFO, protocol + " proxy: refused {0} request(s) since the last"
                + " report; the latest: {1}");
        this.refusedAnswered = new Refusals(LOG, protocol + " proxy: refused {0} request(s) since the last warning:"
                + " " + settings.maxConnections() + " connections are open already (the latest from {1})");
        this.full = new Refusals(LOG, protocol + " proxy: closed {0} connection(s) unanswered since the last"
                + " warning: too many at once (the latest from {1})");
        this.acceptor = Thread.ofVirtual().name("microlink-" + protocol + "-accept").start(this::acceptLoop);
    }

    static ProxyListener start(String protocol, ProxySettings settings, Session session) throws IOException {
        ServerSocket server = new ServerSocket();
        try {
            server.bind(settings.bind(), BACKLOG);
        } catch (IOException e) {
            server.close();
            throw new IOException("cannot listen for " + protocol + " on " + settings.bind() + ": " + e.getMessage(), e);
        }
        LOG.log(Level.INFO, "{0} proxy listening on {1}{2}", protocol,
                server.getInetAddress().getHostAddress() + ":" + server.getLocalPort(),
                settings.credentials() == null ? "" : " (username and password required)");
        return new ProxyListener(protocol, server, settings, session);
    }

    InetSocketAddress address() {
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    /**
     * Clients turned away since start for want of a slot: closed unanswered (their source had too
     * many in their handshake, or the proxy was full) or answered with a refusal.
     */
    long refusedConnections() {
        return busySource.total() + full.total() + refusedAnswered.total();
    }

    /**
     * Clients whose handshake never completed since start: a greeting, credentials or request
     * head the proxy refused, junk, a client that went away, or one slower than the handshake
     * deadline.
     */
    long failedHandshakes() {
        return failedHandshakes.get();
    }

    /** Clients whose session failed with an exception since start (each was closed; the rest went on). */
    long droppedConnections() {
        return dropped.total();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                if (!server.isClosed()) {
                    // Out of file descriptors, say: back off instead of spinning.
                    LOG.log(Level.WARNING, "{0} proxy: accept failed: {1}", protocol, e.getMessage());
                    sleepQuietly();
                }
                continue;
            }
            try {
                admit(client);
            } catch (RuntimeException e) {
                closeQuietly(client);
                dropped.record(e);
            }
        }
    }

    /** Hands {@code client} to its own thread with a slot (or a refusal slot), or closes it at once. */
    private void admit(Socket client) {
        InetAddress source = client.getInetAddress();
        if (!handshakes.tryAcquire(source)) {
            busySource.record(source.getHostAddress()); // counted before the client sees it
            closeQuietly(client);
            return;
        }
        boolean admitted = slots.tryAcquire();
        Semaphore held = admitted ? slots : refusals.tryAcquire() ? refusals : null;
        if (held == null) {
            handshakes.release(source);
            full.record(source.getHostAddress());
            closeQuietly(client);
            return;
        }
        if (!admitted) {
            refusedAnswered.record(source.getHostAddress()); // the session answers it with its protocol's refusal
        }
        clients.add(client);
        try {
            Thread.ofVirtual().name("microlink-" + protocol + "-" + client.getPort())
                    .start(() -> serve(client, source, admitted, held));
        } catch (RuntimeException | Error e) {
            clients.remove(client);
            handshakes.release(source);
            held.release();
            throw e;
        }
    }

    private void serve(Socket client, InetAddress source, boolean admitted, Semaphore held) {
        ProxyClient c = null;
        try {
            c = new ProxyClient(client, admitted, handshakeTimeout, () -> handshakes.release(source),
                    refusedRequests::record);
            session.serve(c);
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "{0} proxy: client {1} dropped: {2}", protocol, client.getRemoteSocketAddress(),
                    e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            dropped.record(e);
        } finally {
            if (c == null) {
                handshakes.release(source);
                failedHandshakes.incrementAndGet();
            } else if (c.leaveHandshake()) {
                failedHandshakes.incrementAndGet();
            }
            closeGently(client);
            clients.remove(client);
            held.release();
        }
    }

    /**
     * Closes after the peer has read what was written: FIN first, then what the client still
     * sends is read and dropped for a moment. Closing with unread input would send a RST, and a
     * RST can make the client discard the error answer it has not read yet. The moment is one
     * deadline for the whole drain, so a client that keeps trickling bytes cannot keep its slot.
     */
    static void closeGently(Socket socket) {
        if (socket.isClosed()) {
            return;
        }
        try {
            socket.shutdownOutput();
            InputStream in = DeadlineInputStream.within(socket.getInputStream(), socket::setSoTimeout, DRAIN_TIME,
                    "draining took longer than " + DRAIN_TIME.toMillis() + " ms");
            byte[] buf = new byte[4096];
            for (int total = 0, n; total < DRAIN_LIMIT && (n = in.read(buf)) >= 0; total += n) {
                // dropped
            }
        } catch (IOException e) {
            // the client is gone or slow; close regardless
        }
        closeQuietly(socket);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // nothing more to do with it
        }
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(ACCEPT_RETRY_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops accepting and closes every client connection, which ends their relays too. */
    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // closing is all that was asked
        }
        clients.forEach(ProxyListener::closeQuietly);
        try {
            acceptor.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
