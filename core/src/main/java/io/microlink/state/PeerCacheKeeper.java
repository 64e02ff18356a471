package io.microlink.state;

import io.microlink.StateException;
import io.microlink.key.PublicKey;
import io.microlink.netmap.Netmap;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * Keeps a {@link PeerCache} current while the node runs: every few seconds it looks which
 * peers sent WireGuard traffic since the last look and what the netmap says now, and it
 * writes the file when that changed, at most once per write interval (a busy node does not
 * wear out a flash card), and once more on close.
 *
 * <pre>{@code
 * try (PeerCacheKeeper keeper = PeerCacheKeeper.start(cache, node::netmap, magicsock::receivedBytes,
 *         magicsock::port)) {
 *     ... run ...
 * }   // the final state is written here
 * }</pre>
 */
public final class PeerCacheKeeper implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("io.microlink.state");
    static final Duration LOOK_INTERVAL = Duration.ofSeconds(5);
    static final Duration WRITE_INTERVAL = Duration.ofSeconds(30);

    private final PeerCache cache;
    private final Supplier<Netmap> netmap;
    private final Supplier<Map<PublicKey, Long>> receivedBytes;
    private final IntSupplier udpPort;
    private final Map<PublicKey, Long> seenBytes = new HashMap<>();
    private final Semaphore wake = new Semaphore(0);
    private final Thread thread;
    private volatile boolean running = true;
    private long lastWriteNanos;
    private boolean closed;

    private PeerCacheKeeper(PeerCache cache, Supplier<Netmap> netmap, Supplier<Map<PublicKey, Long>> receivedBytes,
                            IntSupplier udpPort) {
        this.cache = cache;
        this.netmap = netmap;
        this.receivedBytes = receivedBytes;
        this.udpPort = udpPort;
        this.lastWriteNanos = System.nanoTime() - WRITE_INTERVAL.toNanos(); // the first change is written at once
        this.thread = Thread.ofVirtual().name("microlink-peer-cache").start(this::run);
    }

    /**
     * @param netmap        the node's current netmap
     * @param receivedBytes bytes each peer has sent over WireGuard so far, by node key; a peer
     *                      whose count moved counts as used
     * @param udpPort       the UDP port the node is bound to, 0 before it is
     */
    public static PeerCacheKeeper start(PeerCache cache, Supplier<Netmap> netmap,
                                        Supplier<Map<PublicKey, Long>> receivedBytes, IntSupplier udpPort) {
        return new PeerCacheKeeper(cache, netmap, receivedBytes, udpPort);
    }

    private void run() {
        while (running) {
            try {
                wake.tryAcquire(LOOK_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (running) {
                look();
                if (System.nanoTime() - lastWriteNanos >= WRITE_INTERVAL.toNanos()) {
                    write();
                }
            }
        }
    }

    private synchronized void look() {
        Map<PublicKey, Long> now = receivedBytes.get();
        List<PublicKey> used = now.entrySet().stream()
                .filter(e -> e.getValue() > 0 && !e.getValue().equals(seenBytes.get(e.getKey())))
                .map(Map.Entry::getKey).toList();
        seenBytes.clear();
        seenBytes.putAll(now);
        cache.observe(netmap.get(), used, udpPort.getAsInt());
    }

    private synchronized void write() {
        try {
            if (cache.save()) {
                lastWriteNanos = System.nanoTime();
            }
        } catch (StateException e) {
            LOG.log(Level.WARNING, "cannot update the peer cache: " + e.getMessage());
        }
    }

    /** Stops looking, and writes what the last look found. Idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        running = false;
        wake.release();
        try {
            thread.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        look();
        write();
    }
}
