package io.microlink.netstack.relay;

import io.microlink.netstack.DroppedInput;
import io.microlink.netstack.EventCounters;
import io.microlink.netstack.socket.StreamConnection;
import io.microlink.netstack.socket.StreamRelay;
import io.microlink.netstack.socket.TailnetServerSocket;
import io.microlink.netstack.socket.TailnetSocket;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.function.Function;

/**
 * TCP connections to foreign addresses, each terminated by the stack and stitched to a
 * connection the {@link RelayTarget} opens to where the client meant to go, half-closes passed
 * on ({@link StreamRelay}). A connection over its owner's or the total limit, or whose far side
 * cannot be opened, is reset, so the client fails at once. One with no byte either way for
 * {@link RelayLimits#tcpIdle} is closed, both ends ({@link #expireIdle}): the stack's own
 * connections have no idle end, and a few peers holding every slot with silent connections
 * would otherwise hold them for good.
 */
final class TcpRelay implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(TcpRelay.class.getName());

    private final TailnetServerSocket any;
    private final Function<InetAddress, Object> ownerOf;
    private final RelayTarget target;
    private final RelayLimits limits;
    private final EventCounters<RelayEvent> counters;
    private final FlowSlots<Object, RelayedConnection> slots;
    private final DroppedInput drops = new DroppedInput(LOG, "relayed TCP connection");
    private final Thread acceptor;

    TcpRelay(TailnetServerSocket any, Function<InetAddress, Object> ownerOf, RelayTarget target, RelayLimits limits,
             EventCounters<RelayEvent> counters) {
        this.any = any;
        this.ownerOf = ownerOf;
        this.target = target;
        this.limits = limits;
        this.counters = counters;
        this.slots = new FlowSlots<>(limits.tcpPerOwner(), limits.tcpTotal());
        this.acceptor = Thread.ofVirtual().name("microlink-relay-accept").start(this::acceptLoop);
    }

    private void acceptLoop() {
        while (true) {
            TailnetSocket s;
            try {
                s = any.accept();
            } catch (IOException e) {
                return; // closed
            }
            Thread.ofVirtual().name("microlink-relay-tcp").start(() -> {
                try {
                    relay(s);
                } catch (RuntimeException e) {
                    counters.add(RelayEvent.DROPPED_FAILED);
                    drops.record(e);
                    s.abort();
                }
            });
        }
    }

    private void relay(TailnetSocket client) {
        Object owner = ownerOf.apply(client.getRemoteSocketAddress().getAddress());
        if (owner == null) {
            counters.add(RelayEvent.REFUSED_NO_OWNER);
            client.abort();
            return;
        }
        RelayedConnection held = new RelayedConnection(client);
        if (!slots.take(owner, held)) {
            counters.add(RelayEvent.REFUSED_TCP_LIMIT);
            client.abort();
            return;
        }
        try {
            InetSocketAddress to = client.getLocalSocketAddress();
            StreamConnection far;
            try {
                far = target.dial(to, limits.dialTimeout());
            } catch (IOException | RuntimeException e) {
                counters.add(RelayEvent.TCP_DIAL_FAILED);
                LOG.log(System.Logger.Level.DEBUG, "cannot reach {0} for a relayed connection: {1}", to, e.getMessage());
                client.abort();
                return;
            }
            counters.add(RelayEvent.TCP_CONNECTIONS_RELAYED);
            StreamRelay.run(held.watch(client), held.watch(far));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            client.abort();
        } finally {
            slots.release(owner, held);
        }
    }

    /** Closes the connections idle for longer than the limit. */
    void expireIdle() {
        long now = System.nanoTime();
        long idle = limits.tcpIdle().toNanos();
        counters.add(RelayEvent.TCP_CONNECTIONS_EXPIRED, slots.closeIf(c -> c.idleNanos(now) > idle));
    }

    int connections(Object owner) {
        return slots.count(owner);
    }

    void closeOwner(Object owner) {
        slots.closeAll(owner);
    }

    int total() {
        return slots.total();
    }

    @Override
    public void close() {
        any.close();
        acceptor.interrupt();
        slots.closeEverything();
    }
}
