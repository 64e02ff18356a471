package io.microlink.web.http;

import io.microlink.netstack.DroppedInput;
import io.microlink.netstack.socket.StreamConnection;
import io.microlink.netstack.socket.StreamListener;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * A small HTTP/1.1 server over any {@link StreamListener}, so the same handler serves on
 * localhost and on the node's tailnet address (the JDK's {@code com.sun.net.httpserver} only
 * takes its own sockets). Each connection runs on a virtual thread; the number of open
 * connections (in all and per caller address), the head and body sizes, the idle wait and the
 * time one request may take are all bounded, so a slow or hostile caller cannot hold the
 * server. A connection that fails in a way we did not foresee is dropped, counted and logged
 * (rate-limited); the listener carries on.
 *
 * <pre>{@code
 * try (HttpServer server = new HttpServer(HttpServer.Limits.DEFAULT)) {
 *     server.serve(StreamListener.of(new ServerSocket(8080, 50, InetAddress.getLoopbackAddress())),
 *             request -> HttpResponse.text(200, "hello"));
 *     ...
 * }
 * }</pre>
 */
public final class HttpServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("io.microlink.web");
    /** After an error answer, unread request bytes are drained this long so the answer is not lost to a RST. */
    private static final Duration DRAIN = Duration.ofMillis(500);
    private static final int DRAIN_BYTES = 256 * 1024;
    private static final Duration ACCEPT_RETRY = Duration.ofMillis(50);

    /**
     * @param maxHeadBytes    request line and headers together ({@code 431} above)
     * @param maxBodyBytes    request body ({@code 413} above)
     * @param idleTimeout     how long a connection may wait for its (next) request
     * @param requestTimeout  how long one request may take from its first byte to the last of its
     *                        answer; a caller that sends or reads slower is cut off
     * @param maxConnections  connections open at once on each listener; more are closed on arrival (on a
     *                        listener that knows its owner, the oldest connection not proven the owner's
     *                        is closed instead), and callers crowding one listener (the tailnet) leave
     *                        the other (localhost) free
     * @param maxConnectionsPerSource connections one caller (an address; every loopback address is one)
     *                        may hold open on a listener, below {@code maxConnections} so that one
     *                        caller at its cap leaves room for others
     *                        (a browser opens up to 6 per server)
     * @param keepAlive       whether connections may carry more than one request
     * @param maxRequestsPerConnection after this many the connection is closed
     */
    public record Limits(int maxHeadBytes, int maxBodyBytes, Duration idleTimeout, Duration requestTimeout,
                         int maxConnections, int maxConnectionsPerSource, boolean keepAlive,
                         int maxRequestsPerConnection) {
        public static final Limits DEFAULT = new Limits(8 * 1024, 64 * 1024, Duration.ofSeconds(15),
                Duration.ofSeconds(20), 32, 8, true, 100);

        public Limits {
            if (maxHeadBytes < 256 || maxBodyBytes < 0 || maxConnections < 1 || maxConnectionsPerSource < 1
                    || maxConnectionsPerSource > maxConnections || maxRequestsPerConnection < 1) {
                throw new IllegalArgumentException("HTTP limits out of range: " + maxHeadBytes + " head bytes, "
                        + maxBodyBytes + " body bytes, " + maxConnections + " connections, "
                        + maxConnectionsPerSource + " per source, " + maxRequestsPerConnection
                        + " requests per connection");
            }
            if (idleTimeout.isNegative() || idleTimeout.isZero() || requestTimeout.isNegative()
                    || requestTimeout.isZero()) {
                throw new IllegalArgumentException("HTTP timeouts must be positive");
            }
        }
    }

    private final Limits limits;
    private final ScheduledExecutorService watchdog;
    private final List<StreamListener> listeners = new CopyOnWriteArrayList<>();
    private final List<Thread> acceptors = new CopyOnWriteArrayList<>();
    private final Set<StreamConnection> open = ConcurrentHashMap.newKeySet();
    private final Set<Thread> workers = ConcurrentHashMap.newKeySet();
    private final DroppedInput failed = new DroppedInput(LOG, "web connection");
    private final AtomicLong refusedConnections = new AtomicLong();
    private final AtomicLong refusedRequests = new AtomicLong();
    /** Tells local users apart on a listener that knows its owner (the local page). */
    private final LocalSocketOwners localUsers = new LocalSocketOwners();
    private volatile boolean closed;

    public HttpServer(Limits limits) {
        this.limits = limits;
        this.watchdog = Executors.newSingleThreadScheduledExecutor(
                Thread.ofVirtual().name("microlink-web-watchdog").factory());
    }

    /**
     * Accepts connections from {@code listener} on a virtual thread until {@link #close()}; returns
     * at once. A caller past its share, or finding the listener full, is refused.
     */
    public void serve(StreamListener listener, HttpHandler handler) {
        start(listener, handler, null);
    }

    /**
     * As {@link #serve(StreamListener, HttpHandler)} for a listener whose owner {@code owner}
     * recognises from a request (its token or session): a connection that carried such a request
     * keeps its slot, and a newcomer finding no room displaces the oldest connection that has
     * not, so callers without the credential cannot lock the owner out ({@link ConnectionSlots}).
     */
    public void serve(StreamListener listener, HttpHandler handler, Predicate<HttpRequest> owner) {
        start(listener, handler, Objects.requireNonNull(owner));
    }

    private void start(StreamListener listener, HttpHandler handler, Predicate<HttpRequest> owner) {
        if (closed) {
            throw new IllegalStateException("the HTTP server is closed");
        }
        listeners.add(listener);
        ConnectionSlots slots = new ConnectionSlots(limits.maxConnections(), limits.maxConnectionsPerSource(),
                owner != null);
        acceptors.add(Thread.ofVirtual().name("microlink-web-accept-" + listener.port())
                .start(() -> acceptLoop(listener, handler, slots, owner)));
    }

    /** Connections being served right now. */
    public int openConnections() {
        return open.size();
    }

    /**
     * Connections closed since start for want of a slot: refused on arrival (the caller's share
     * or the listener was full) or displaced by a newer one (on a listener that knows its owner).
     */
    public long refusedConnections() {
        return refusedConnections.get();
    }

    /**
     * Requests refused since start before they reached the handler: answered with an error for a
     * malformed or oversized head or body, or cut off for overrunning the request deadline.
     */
    public long refusedRequests() {
        return refusedRequests.get();
    }

    /** Connections dropped since start because serving them failed unexpectedly (a bug, counted, not fatal). */
    public long failedConnections() {
        return failed.total();
    }

    private void acceptLoop(StreamListener listener, HttpHandler handler, ConnectionSlots slots,
                            Predicate<HttpRequest> owner) {
        while (!closed) {
            StreamConnection c;
            try {
                c = listener.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.log(Level.WARNING, "web listener on port " + listener.port() + " stopped: " + e.getMessage());
                }
                return;
            } catch (RuntimeException e) {
                failed.record(e);
                pause(); // a listener that throws at once, again and again, must not spin this thread
                continue;
            }
            try {
                admit(c, handler, slots, owner);
            } catch (RuntimeException e) {
                failed.record(e);
                closeQuietly(c);
            }
        }
    }

    /** Hands {@code c} to a worker if {@code slots} has room for its caller; else closes it. */
    private void admit(StreamConnection c, HttpHandler handler, ConnectionSlots slots, Predicate<HttpRequest> owner) {
        InetAddress source = caller(c);
        OptionalInt localUser = owner != null && source.isLoopbackAddress()
                ? localUsers.uidOf(c.getRemoteSocketAddress(), c.getLocalSocketAddress())
                : OptionalInt.empty();
        ConnectionSlots.Slot slot = slots.admit(source, localUser, () -> {
            LOG.log(Level.DEBUG, "web connection from " + source.getHostAddress() + " displaced by a newer one");
            refusedConnections.incrementAndGet();
            closeQuietly(c);
        });
        if (slot == null) {
            LOG.log(Level.DEBUG, "web server busy: refusing a connection from " + source.getHostAddress());
            refusedConnections.incrementAndGet();
            closeQuietly(c);
            return;
        }
        open.add(c);
        Thread worker = Thread.ofVirtual().name("microlink-web-conn").unstarted(() -> {
            try {
                serveConnection(c, handler, slot, owner);
            } catch (RuntimeException e) {
                failed.record(e);
            } finally {
                // The slot first: once openConnections() says a connection is gone, its slot is free too.
                closeQuietly(c);
                slot.release();
                open.remove(c);
                workers.remove(Thread.currentThread());
            }
        });
        workers.add(worker);
        try {
            worker.start();
        } catch (RuntimeException e) {
            workers.remove(worker);
            open.remove(c);
            slot.release();
            throw e;
        }
    }

    private static void pause() {
        try {
            Thread.sleep(ACCEPT_RETRY);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void serveConnection(StreamConnection c, HttpHandler handler, ConnectionSlots.Slot slot,
                                 Predicate<HttpRequest> owner) {
        try {
            InputStream in = new BufferedInputStream(c.getInputStream(), 4096);
            OutputStream out = new BufferedOutputStream(c.getOutputStream(), 8192);
            for (int served = 0; !closed; served++) {
                c.setSoTimeout((int) limits.idleTimeout().toMillis());
                in.mark(1);
                if (in.read() < 0) {
                    return;
                }
                in.reset();
                // From the first byte on, the whole exchange has one deadline, however slowly it trickles.
                c.setSoTimeout((int) limits.requestTimeout().toMillis());
                // Set before the close: the reader can wake from the close before the task is done.
                AtomicBoolean cutOff = new AtomicBoolean();
                ScheduledFuture<?> deadline = watchdog.schedule(() -> {
                    cutOff.set(true);
                    closeQuietly(c);
                }, limits.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
                try {
                    if (!exchange(c, in, out, handler, served + 1 < limits.maxRequestsPerConnection(), slot, owner)) {
                        return;
                    }
                } catch (IOException e) {
                    if (e instanceof SocketTimeoutException || cutOff.get()) {
                        refusedRequests.incrementAndGet(); // too slow: the deadline cut it off
                    }
                    throw e;
                } finally {
                    deadline.cancel(false);
                }
            }
        } catch (SocketTimeoutException e) {
            LOG.log(Level.DEBUG, "web connection from " + caller(c).getHostAddress() + " timed out");
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "web connection from " + caller(c).getHostAddress() + " ended: " + e);
        }
    }

    /** Reads one request and writes its answer; true if the connection stays open for another. */
    private boolean exchange(StreamConnection c, InputStream in, OutputStream out, HttpHandler handler,
                             boolean mayKeepAlive, ConnectionSlots.Slot slot, Predicate<HttpRequest> owner)
            throws IOException {
        HttpRequest request;
        try {
            request = RequestReader.read(in, limits.maxHeadBytes(), limits.maxBodyBytes(), caller(c),
                    () -> ResponseWriter.writeContinue(out));
        } catch (HttpException e) {
            refusedRequests.incrementAndGet();
            ResponseWriter.write(out, HttpResponse.error(e.status(), e.getMessage()), false, false);
            drain(c, in);
            return false;
        }
        if (request == null) {
            return false;
        }
        if (owner != null && owner.test(request)) {
            slot.prove();
        }
        HttpResponse response;
        try {
            response = handler.handle(request);
        } catch (HttpException e) {
            response = HttpResponse.error(e.status(), e.getMessage());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "web handler failed on " + request.method() + " " + request.path(), e);
            response = HttpResponse.error(500, "internal error; see the node's log");
        }
        boolean keep = limits.keepAlive() && mayKeepAlive && request.wantsKeepAlive() && response.afterSent() == null;
        ResponseWriter.write(out, response, keep, request.method().equals("HEAD"));
        if (response.afterSent() != null) {
            Thread.ofVirtual().name("microlink-web-after").start(response.afterSent());
        }
        return keep;
    }

    /** Half-closes and reads away what the caller still sends, so it sees our answer rather than a reset. */
    private static void drain(StreamConnection c, InputStream in) {
        try {
            c.shutdownOutput();
            c.setSoTimeout((int) DRAIN.toMillis());
            long until = System.nanoTime() + DRAIN.toNanos();
            byte[] sink = new byte[4096];
            int total = 0;
            while (total < DRAIN_BYTES && System.nanoTime() < until) {
                int n = in.read(sink);
                if (n < 0) {
                    return;
                }
                total += n;
            }
        } catch (IOException e) {
            // The caller went away: nothing left to protect.
        }
    }

    /** The address the caller is identified by. */
    private static InetAddress caller(StreamConnection c) {
        return c.getRemoteSocketAddress().getAddress();
    }

    private static void closeQuietly(StreamConnection c) {
        try {
            c.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "closing a web connection failed: " + e.getMessage());
        }
    }

    /** Stops accepting, cuts open connections and ends every thread the server started. */
    @Override
    public void close() {
        closed = true;
        for (StreamListener l : listeners) {
            try {
                l.close();
            } catch (IOException e) {
                LOG.log(Level.DEBUG, "closing a web listener failed: " + e.getMessage());
            }
        }
        // Acceptors first: once they are gone no new connection can appear behind our back.
        joinAll(acceptors);
        localUsers.close();
        open.forEach(HttpServer::closeQuietly);
        joinAll(workers);
        watchdog.shutdownNow();
    }

    private static void joinAll(Collection<Thread> threads) {
        for (Thread t : List.copyOf(threads)) {
            if (t == Thread.currentThread()) {
                continue; // closed from a handler: that thread ends when its answer is written
            }
            try {
                t.join(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
