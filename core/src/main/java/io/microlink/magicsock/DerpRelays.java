package io.microlink.magicsock;

import io.microlink.control.wire.DerpMap;
import io.microlink.derp.DerpClient;
import io.microlink.key.PrivateKey;
import io.microlink.key.PublicKey;
import io.microlink.outbound.Dialer;
import java.io.IOException;
import java.net.InetAddress;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntConsumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;

/**
 * The node's DERP connections: one to the home region, always, and one to each region a
 * peer calls home, opened when a packet must go there and closed after a minute without
 * use (tailscale does the same, so a peer homed elsewhere is reached through its own relay
 * and not only if both relays happen to be one server). Sends never block: while a
 * connection is being opened its packets wait in a short queue, and a relay that fails is
 * not redialled for a few seconds.
 */
final class DerpRelays implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("io.microlink.magicsock");
    static final long IDLE_NANOS = 60_000_000_000L;
    private static final long REDIAL_NANOS = 5_000_000_000L;
    /** Packets held per region while its connection is being opened; more are dropped. */
    static final int QUEUED_WHILE_DIALLING = 32;

    /** Receives every packet any relay delivers, with the region it came through. */
    interface Receiver {
        void onPacket(int region, PublicKey source, byte[] packet);
    }

    private record Queued(PublicKey destination, byte[] packet) {}

    /** One region's connection, or the attempt to open it. */
    private static final class Link {
        final PublicKey identity;
        final ArrayDeque<Queued> queue = new ArrayDeque<>();
        volatile DerpClient client;
        volatile boolean failed;
        final long startedNanos;
        volatile long lastUsedNanos;

        Link(PublicKey identity, long nowNanos) {
            this.identity = identity;
            this.startedNanos = nowNanos;
            this.lastUsedNanos = nowNanos;
        }
    }

    private final DerpClient.Transport transport;
    private final SSLContext tls;
    private final Dialer dialer;
    private final Supplier<PrivateKey> nodeKey;
    private final Receiver receiver;
    private final IntConsumer homeLost;
    private final Duration timeout;
    private final Map<Integer, Link> links = new ConcurrentHashMap<>();
    private volatile int home;
    private final LongAdder connects = new LongAdder();

    /** @param homeLost told the region whose home connection dropped, so a new one is made soon */
    DerpRelays(DerpClient.Transport transport, SSLContext tls, Dialer dialer, Supplier<PrivateKey> nodeKey,
               Receiver receiver, IntConsumer homeLost, Duration timeout) {
        this.transport = transport;
        this.tls = tls;
        this.dialer = dialer;
        this.nodeKey = nodeKey;
        this.receiver = receiver;
        this.homeLost = homeLost;
        this.timeout = timeout;
    }

    int home() {
        return home;
    }

    boolean homeConnected() {
        Link l = links.get(home);
        return l != null && l.client != null && l.client.isConnected();
    }

    /**
     * Makes {@code region} home, connecting now if needed (blocking: called by the maintenance
     * thread), and tells the relays which one is preferred.
     */
    void ensureHome(DerpMap map, int region) throws IOException {
        PublicKey identity = nodeKey.get().publicKey();
        Link current = links.get(region);
        if (region == home && current != null && current.client != null && current.client.isConnected()
                && current.identity.equals(identity)) {
            return;
        }
        DerpMap.DerpNode node = firstNode(map, region);
        if (node == null) {
            return;
        }
        int previous = home;
        Link link = new Link(identity, System.nanoTime());
        link.client = connect(node, region);
        link.client.notePreferred(true);
        Link replaced = links.put(region, link);
        home = region;
        closeQuietly(replaced);
        Link old = links.get(previous);
        if (previous != region && old != null && old.client != null) {
            try {
                old.client.notePreferred(false); // it stays open while peers use it, then idles out
            } catch (IOException e) {
                LOG.log(Level.DEBUG, "telling the old home relay it is no longer preferred", e);
            }
        }
        LOG.log(Level.INFO, "home DERP region {0}", region);
    }

    /** Sends through {@code region} (home when 0), opening a connection to it if there is none. */
    void send(DerpMap map, int region, PublicKey destination, byte[] packet) {
        int r = region <= 0 ? home : region;
        if (r == 0) {
            return;
        }
        long now = System.nanoTime();
        PublicKey identity = nodeKey.get().publicKey();
        Link link = links.compute(r, (k, l) -> {
            if (l == null || !l.identity.equals(identity)
                    || (l.failed && now - l.startedNanos >= REDIAL_NANOS)
                    || (l.client != null && !l.client.isConnected() && k != home)) {
                if (l != null) {
                    closeQuietly(l);
                }
                Link fresh = new Link(identity, now);
                Thread.ofVirtual().name("microlink-derp-dial-" + k).start(() -> dial(map, k, fresh));
                return fresh;
            }
            return l;
        });
        link.lastUsedNanos = now;
        DerpClient c = link.client;
        if (c == null) {
            synchronized (link) {
                c = link.client;
                if (c == null) {
                    if (!link.failed && link.queue.size() < QUEUED_WHILE_DIALLING) {
                        link.queue.add(new Queued(destination, packet));
                    }
                    return;
                }
            }
        }
        sendOn(c, destination, packet);
    }

    private void dial(DerpMap map, int region, Link link) {
        DerpClient client = null;
        try {
            DerpMap.DerpNode node = firstNode(map, region);
            if (node == null) {
                throw new IOException("region " + region + " is not in the DERP map");
            }
            client = connect(node, region);
            LOG.log(Level.DEBUG, "connected to DERP region {0} for a peer homed there", region);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, "could not reach DERP region " + region, e);
        }
        synchronized (link) {
            link.client = client;
            link.failed = client == null;
            if (client != null) {
                for (Queued q : link.queue) {
                    sendOn(client, q.destination(), q.packet());
                }
            }
            link.queue.clear();
        }
        if (client != null && links.get(region) != link) {
            closeQuietly(link); // replaced or idled out while dialling
        }
    }

    private DerpClient connect(DerpMap.DerpNode node, int region) throws IOException {
        DerpClient client = DerpClient.connect(node, transport, tls, dialer, nodeKey.get(),
                (src, packet) -> receiver.onPacket(region, src, packet), () -> lost(region), timeout);
        connects.increment();
        return client;
    }

    /** Connections opened to relays so far, reconnects to the same relay included. */
    long connects() {
        return connects.sum();
    }

    private void lost(int region) {
        if (region == home) {
            homeLost.accept(region);
        }
    }

    private static void sendOn(DerpClient c, PublicKey destination, byte[] packet) {
        try {
            c.send(destination, packet);
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "DERP send failed", e);
        }
    }

    /**
     * The network changed: closes the connections whose local address {@code stranded} names
     * (all of them, when the way out moved), which cannot carry anything any more. They leave the table, so the next
     * packet for a region dials it afresh and the next netcheck reconnects home.
     *
     * @return how many were closed
     */
    int closeStranded(Predicate<InetAddress> stranded) {
        int[] closed = {0};
        links.entrySet().removeIf(e -> {
            DerpClient c = e.getValue().client;
            if (stranded.test(c == null ? null : c.localAddress())) {
                // On a thread of its own: closing waits for the connection's threads to end (90 ms
                // in one traced rebind), which the rebind, and the paths and data behind it, need not.
                Link gone = e.getValue();
                Thread.ofVirtual().name("microlink-derp-close").start(() -> closeQuietly(gone));
                closed[0]++;
                return true;
            }
            return false;
        });
        return closed[0];
    }

    /** Closes connections to regions other than home that nobody used for a minute. */
    void closeIdle(long nowNanos) {
        links.entrySet().removeIf(e -> {
            if (e.getKey() != home && nowNanos - e.getValue().lastUsedNanos >= IDLE_NANOS) {
                closeQuietly(e.getValue());
                LOG.log(Level.DEBUG, "closed idle DERP connection to region {0}", e.getKey());
                return true;
            }
            return false;
        });
    }

    private static DerpMap.DerpNode firstNode(DerpMap map, int region) {
        DerpMap.Region r = map == null || map.regions() == null ? null : map.regions().get(region);
        return r == null || r.nodes() == null || r.nodes().isEmpty() ? null : r.nodes().getFirst();
    }

    private static void closeQuietly(Link link) {
        if (link == null) {
            return;
        }
        DerpClient c = link.client;
        if (c != null) {
            try {
                c.close();
            } catch (IOException e) {
                LOG.log(Level.DEBUG, "closing DERP", e);
            }
        }
    }

    @Override
    public void close() {
        links.values().forEach(DerpRelays::closeQuietly);
        links.clear();
    }
}
