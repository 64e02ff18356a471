package io.microlink.host.serve;

import io.microlink.TailnetNode;
import io.microlink.host.limits.PerSourceLimit;
import io.microlink.host.limits.Refusals;
import io.microlink.WhoIs;
import io.microlink.netstack.DroppedInput;
import io.microlink.netstack.socket.StreamConnection;
import io.microlink.netstack.socket.StreamRelay;
import io.microlink.netstack.socket.TailnetServerSocket;
import io.microlink.netstack.socket.TailnetSocket;
import java.io.Closeable;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.function.Function;

/**
 * Serves a local TCP port on the tailnet (like {@code tailscale serve --tcp}): every connection
 * to the node's tailnet port is forwarded to a local address, usually {@code 127.0.0.1:port}.
 * The local server sees each connection come from {@code 127.0.0.1:<ephemeral port>}; it learns
 * which tailnet node and user is calling with {@link #callerOf}, given that address.
 *
 * <pre>{@code
 * try (TcpForwarder forwarder = TcpForwarder.start(node, 80, 8080)) {
 *     // in the local server on 8080, for an accepted java.net.Socket s:
 *     forwarder.callerOf((InetSocketAddress) s.getRemoteSocketAddress())
 *             .ifPresent(who -> System.out.println(who.shortName() + " of " + who.loginName()));
 * }
 * }</pre>
 *
 * At most {@code maxConnections} are forwarded at once, and at most a quarter of them for one
 * caller (a tailnet address), so that one peer holding connections open cannot lock the others
 * out; more are closed on arrival, counted, and logged at most once per interval. A caller is
 * remembered only while its connection lasts. A connection whose forwarding throws is closed,
 * counted and logged at most once per interval; the forwarder goes on with the next.
 */
public final class TcpForwarder implements Closeable {
    public static final int DEFAULT_MAX_CONNECTIONS = 256;
    private static final Duration LOCAL_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final System.Logger LOG = System.getLogger("io.microlink.serve");

    private final TailnetServerSocket listener;
    private final InetSocketAddress target;
    private final Function<InetAddress, Optional<WhoIs>> whois;
    private final Semaphore slots;
    private final PerSourceLimit perCaller;
    /** Local side of each forwarded connection (what the local server sees as its peer) to the caller. */
    private final Map<InetSocketAddress, Caller> callers = new ConcurrentHashMap<>();
    private final Set<TailnetSocket> open = ConcurrentHashMap.newKeySet();
    private final DroppedInput dropped = new DroppedInput(LOG, "served connection");
    /** Callers closed on arrival with every slot taken; a peer can make them as fast as it likes, so logged rate-limited. */
    private final Refusals refused;
    /** Callers that the local address did not take (nothing listening there, say): as many as callers, so rate-limited. */
    private final Refusals unforwarded;
    private final Thread acceptor;

    TcpForwarder(TailnetServerSocket listener, InetSocketAddress target, Function<InetAddress, Optional<WhoIs>> whois,
                 int maxConnections) {
        if (maxConnections < 1) {
            throw new IllegalArgumentException("max connections must be at least 1, got " + maxConnections);
        }
        this.listener = listener;
        this.target = Objects.requireNonNull(target, "target");
        this.whois = whois;
        this.slots = new Semaphore(maxConnections);
        this.perCaller = new PerSourceLimit(Math.max(1, maxConnections / 4));
        this.refused = new Refusals(LOG, "serve: port " + listener.port() + " refused {0} connection(s) since the last"
                + " warning: too many at once, from all callers or from one (the latest from {1})");
        this.unforwarded = new Refusals(LOG, "serve: port " + listener.port() + " could not forward {0} connection(s)"
                + " to " + target.getAddress().getHostAddress() + ":" + target.getPort()
                + " since the last warning (the latest: {1})");
        this.acceptor = Thread.ofVirtual().name("microlink-serve-" + listener.port()).start(this::acceptLoop);
    }

    /** Forwards the node's TCP {@code tailnetPort} to {@code 127.0.0.1:localPort}. */
    public static TcpForwarder start(TailnetNode node, int tailnetPort, int localPort) throws IOException {
        if (localPort < 1 || localPort > 65535) {
            throw new IllegalArgumentException("local port must be 1-65535, got " + localPort);
        }
        return start(node, tailnetPort, new InetSocketAddress(InetAddress.ofLiteral("127.0.0.1"), localPort),
                DEFAULT_MAX_CONNECTIONS);
    }

    /**
     * Forwards the node's TCP {@code tailnetPort} to {@code target}, at most {@code maxConnections} at once
     * and a quarter of them (at least one) for one caller.
     *
     * @throws java.net.BindException if the tailnet port is taken on this node
     */
    public static TcpForwarder start(TailnetNode node, int tailnetPort, InetSocketAddress target, int maxConnections)
            throws IOException {
        TailnetServerSocket listener = node.listen(tailnetPort);
        LOG.log(Level.INFO, "serving tailnet port {0} from {1}", String.valueOf(tailnetPort),
                target.getAddress().getHostAddress() + ":" + target.getPort());
        return new TcpForwarder(listener, target, node::whois, maxConnections);
    }

    /**
     * Who is calling on a forwarded connection, given the address the local server sees it come
     * from ({@code 127.0.0.1:<port>}); empty when no forwarded connection has that address now,
     * or when the caller's address belongs to no node of the netmap.
     */
    public Optional<WhoIs> callerOf(InetSocketAddress localSide) {
        return Optional.ofNullable(callers.get(localSide)).map(c -> c.who);
    }

    /** The tailnet port served. */
    public int tailnetPort() {
        return listener.port();
    }

    /** Forwarded connections open now. */
    public int openConnections() {
        return open.size();
    }

    private void acceptLoop() {
        while (true) {
            TailnetSocket caller;
            try {
                caller = listener.accept();
            } catch (IOException e) {
                return; // closed
            }
            try {
                admit(caller);
            } catch (RuntimeException e) {
                caller.close();
                dropped.record(e);
            }
        }
    }

    /** Gives {@code caller} a slot and its own thread, or closes it when its share or every slot is taken. */
    private void admit(TailnetSocket caller) {
        InetAddress from = caller.getRemoteSocketAddress().getAddress();
        if (!perCaller.tryAcquire(from)) {
            refused.record(String.valueOf(caller.getRemoteSocketAddress())); // counted before the caller sees it
            caller.close();
            return;
        }
        if (!slots.tryAcquire()) {
            perCaller.release(from);
            refused.record(String.valueOf(caller.getRemoteSocketAddress())); // counted before the caller sees it
            caller.close();
            return;
        }
        open.add(caller);
        try {
            Thread.ofVirtual().name("microlink-serve-" + listener.port() + "-conn").start(() -> {
                try {
                    forward(caller);
                } catch (RuntimeException e) {
                    dropped.record(e);
                } finally {
                    caller.close();
                    // The slot first: once a connection no longer counts as open, its slot is free.
                    perCaller.release(from);
                    slots.release();
                    open.remove(caller);
                }
            });
        } catch (RuntimeException | Error e) {
            open.remove(caller);
            perCaller.release(from);
            slots.release();
            throw e;
        }
    }

    private void forward(TailnetSocket caller) {
        InetSocketAddress from = caller.getRemoteSocketAddress();
        Socket local = new Socket();
        InetSocketAddress localSide = null;
        Caller entry = null;
        try {
            entry = whois.apply(from.getAddress()).map(Caller::new).orElse(null);
            // Bound before connecting, so the caller is on record before the local server can ask.
            local.bind(new InetSocketAddress(target.getAddress(), 0));
            localSide = (InetSocketAddress) local.getLocalSocketAddress();
            if (entry != null) {
                callers.put(localSide, entry);
            }
            local.connect(target, (int) LOCAL_CONNECT_TIMEOUT.toMillis());
            StreamRelay.run(StreamConnection.of(local), caller);
        } catch (IOException e) {
            unforwarded.record(from + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (entry != null && localSide != null) {
                // Only our own entry: the port may already serve the next forwarded connection.
                callers.remove(localSide, entry);
            }
            closeQuietly(local);
        }
    }

    /**
     * Callers closed on arrival since start because {@code maxConnections} were being forwarded
     * already, or a quarter of them for that caller's address.
     */
    public long refusedConnections() {
        return refused.total();
    }

    /** Connections whose forwarding failed with an exception since start (each was closed; the rest went on). */
    long droppedConnections() {
        return dropped.total();
    }

    /** One connection's caller; compared by identity, so that removing it never removes a successor's. */
    private static final class Caller {
        final WhoIs who;

        Caller(WhoIs who) {
            this.who = who;
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // nothing more to do with it
        }
    }

    /** Stops listening and closes every forwarded connection. */
    @Override
    public void close() {
        listener.close();
        open.forEach(TailnetSocket::close);
        try {
            acceptor.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
