package io.microlink.dns;

import io.microlink.netstack.DroppedInput;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * Runs a {@link DnsForwarder} on real sockets: each exchange it asks for gets a socket of its
 * own ({@link UpstreamSockets}) and a virtual thread that sends, waits until the exchange's
 * deadline, and feeds every message back to the forwarder until it stops waiting. The
 * forwarder bounds how many exchanges run at once; a failure of one (our bug, a reply that
 * cannot be sent) is dropped, counted and logged rarely.
 *
 * <pre>{@code
 * DnsForwardRunner<Client> dns = new DnsForwardRunner<>(DnsForwarder.Limits.DEFAULT, UpstreamSockets.os(),
 *         (client, answer) -> client.send(answer));
 * dns.query(client, queryBytes, 512, List.of(new InetSocketAddress("192.0.2.53", 53)));
 * }</pre>
 *
 * @param <C> what {@link Replies} needs to answer a client
 */
public final class DnsForwardRunner<C> {
    private static final System.Logger LOG = System.getLogger("io.microlink.dns");

    /** Sends a finished answer to the client that asked. */
    @FunctionalInterface
    public interface Replies<C> {
        void send(C client, byte[] message) throws IOException;
    }

    private final DnsForwarder<C> forwarder;
    private final UpstreamSockets sockets;
    private final Replies<C> replies;
    private final DroppedInput drops = new DroppedInput(LOG, "forwarded DNS exchange");

    public DnsForwardRunner(DnsForwarder.Limits limits, UpstreamSockets sockets, Replies<C> replies) {
        this.forwarder = new DnsForwarder<>(limits, new java.security.SecureRandom());
        this.sockets = sockets;
        this.replies = replies;
    }

    /** Answers {@code query} from the cache or starts asking {@code upstreams}; never blocks on the network. */
    public void query(C client, byte[] query, int clientLimit, List<InetSocketAddress> upstreams) {
        List<DnsForwarder.Action<C>> actions;
        synchronized (forwarder) {
            actions = forwarder.query(client, query, clientLimit, upstreams, System.nanoTime());
        }
        run(actions);
    }

    /** Queries dropped because as many as allowed were waiting. */
    public long refused() {
        synchronized (forwarder) {
            return forwarder.refused();
        }
    }

    /** Messages from upstream sockets that answered nothing awaited (late, forged, malformed). */
    public long ignored() {
        synchronized (forwarder) {
            return forwarder.ignored();
        }
    }

    /** Exchanges or replies that failed by a bug of ours, dropped. */
    public long dropped() {
        return drops.total();
    }

    private void run(List<DnsForwarder.Action<C>> actions) {
        for (DnsForwarder.Action<C> action : actions) {
            switch (action) {
                case DnsForwarder.Reply<C> r -> {
                    try {
                        replies.send(r.client(), r.message());
                    } catch (IOException | RuntimeException e) {
                        drops.record(e);
                    }
                }
                case DnsForwarder.Send<C> s -> Thread.ofVirtual().name("microlink-dns-forward").start(() -> exchange(s));
            }
        }
    }

    private void exchange(DnsForwarder.Send<C> send) {
        List<DnsForwarder.Action<C>> next = List.of();
        try (UpstreamSockets.Exchange socket = sockets.open(send.upstream(), send.transport(), left(send))) {
            socket.send(send.message());
            while (next.isEmpty() && awaits(send)) {
                Duration left = left(send);
                UpstreamSockets.Received r = left.isPositive() ? socket.receive(left) : null;
                if (r == null && !left(send).isPositive()) {
                    break;
                }
                if (r != null) {
                    synchronized (forwarder) {
                        next = forwarder.answer(send.exchange(), r.from(), r.message(), System.nanoTime());
                    }
                }
            }
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "resolver {0} over {1}: {2}", send.upstream(), send.transport(), e.getMessage());
        } catch (RuntimeException e) {
            drops.record(e);
        } finally {
            if (next.isEmpty()) {
                synchronized (forwarder) {
                    next = forwarder.failed(send.exchange(), System.nanoTime()); // nothing if it was answered
                }
            }
            run(next);
        }
    }

    private boolean awaits(DnsForwarder.Send<C> send) {
        synchronized (forwarder) {
            return forwarder.awaits(send.exchange());
        }
    }

    private static Duration left(DnsForwarder.Send<?> send) {
        return Duration.ofNanos(send.deadlineNanos() - System.nanoTime());
    }
}
