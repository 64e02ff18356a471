package io.microlink.host.proxy;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * The accept loop both local proxies share: a server socket on the settings' address, one
 * virtual thread per client, at most {@code maxConnections} clients served at once. Clients
 * beyond that still get an answer in their protocol (the session is told it was not admitted),
 * up to {@value #REFUSALS_AT_ONCE} at a time; past that they are closed unanswered.
 */
final class ProxyListener implements Closeable {
    static final System.Logger LOG = System.getLogger("io.microlink.proxy");
    private static final int REFUSALS_AT_ONCE = 32;
    private static final int BACKLOG = 128;
    private static final int DRAIN_MILLIS = 1000;
    private static final int DRAIN_LIMIT = 64 * 1024;
    private static final long ACCEPT_RETRY_MILLIS = 100;

    /** What one proxy does with one client; the listener closes the client afterwards. */
    @FunctionalInterface
    interface Session {
        /** @param admitted false when the proxy is at its limit: answer with a refusal and return */
        void serve(Socket client, boolean admitted) throws IOException, InterruptedException;
    }

    private final String protocol;
    private final ServerSocket server;
    private final Session session;
    private final Semaphore slots;
    private final Semaphore refusals = new Semaphore(REFUSALS_AT_ONCE);
    private final Set<Socket> clients = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;

    private ProxyListener(String protocol, ServerSocket server, int maxConnections, Session session) {
        this.protocol = protocol;
        this.server = server;
        this.session = session;
        this.slots = new Semaphore(maxConnections);
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
        LOG.log(Level.INFO, "{0} proxy listening on {1}", protocol,
                server.getInetAddress().getHostAddress() + ":" + server.getLocalPort());
        return new ProxyListener(protocol, server, settings.maxConnections(), session);
    }

    InetSocketAddress address() {
        return (InetSocketAddress) server.getLocalSocketAddress();
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
            boolean admitted = slots.tryAcquire();
            Semaphore held = admitted ? slots : refusals.tryAcquire() ? refusals : null;
            if (held == null) {
                LOG.log(Level.WARNING, "{0} proxy: closed a connection unanswered, too many at once", protocol);
                closeQuietly(client);
                continue;
            }
            clients.add(client);
            Thread.ofVirtual().name("microlink-" + protocol + "-" + client.getPort()).start(() -> {
                try {
                    session.serve(client, admitted);
                } catch (IOException e) {
                    LOG.log(Level.DEBUG, "{0} proxy: client {1} dropped: {2}", protocol,
                            client.getRemoteSocketAddress(), e.toString());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    closeGently(client);
                    clients.remove(client);
                    held.release();
                }
            });
        }
    }

    /**
     * Closes after the peer has read what was written: FIN first, then what the client still
     * sends is read and dropped for a moment. Closing with unread input would send a RST, and a
     * RST can make the client discard the error answer it has not read yet.
     */
    static void closeGently(Socket socket) {
        if (socket.isClosed()) {
            return;
        }
        try {
            socket.shutdownOutput();
            socket.setSoTimeout(DRAIN_MILLIS);
            InputStream in = socket.getInputStream();
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
