package io.microlink.netmon;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Watches the host's network and tells a listener when it changed (see {@link ChangeDetector}
 * for what counts and how bursts are gathered). It reads the interfaces and default routes
 * every {@link #POLL} (cheap: a few system calls and two small files), and at once when
 * something says the network changed: on Linux with native access, the kernel itself, through
 * a netlink route socket ({@link NetlinkWatch}); otherwise {@link #poke()}. Polling stays on
 * beside netlink: it also catches clock jumps, and anything netlink missed (its socket buffer
 * can overflow in a storm). The listener runs on the monitor's own virtual thread; one that
 * throws is logged and the watch goes on.
 *
 * <pre>{@code
 * try (NetworkMonitor m = NetworkMonitor.start(change -> node.rebind(change))) {
 *     ...
 * }
 * }</pre>
 */
public final class NetworkMonitor implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("io.microlink.netmon");
    /** How often the network is read when nothing pokes the monitor. */
    public static final Duration POLL = Duration.ofSeconds(1);
    /** Changes within this time of a report are gathered into the next one. */
    public static final Duration SETTLE = Duration.ofMillis(250);
    /** Clocks drifting apart by more than this between two reads: the machine slept, or the clock was stepped. */
    public static final Duration JUMP = Duration.ofSeconds(3);

    private final Supplier<NetworkState> reader;
    private final Consumer<NetworkChange> listener;
    private final Duration poll;
    private final ChangeDetector detector;
    private final Semaphore wake = new Semaphore(0);
    private final Thread thread;
    private final NetlinkWatch netlink;
    private volatile boolean running = true;

    private NetworkMonitor(Supplier<NetworkState> reader, Consumer<NetworkChange> listener, Duration poll,
                           Duration settle, Duration jump, boolean netlink) {
        this.reader = reader;
        this.listener = listener;
        this.poll = poll;
        this.detector = new ChangeDetector(reader.get(), System.nanoTime(), System.currentTimeMillis(), settle, jump);
        this.thread = Thread.ofVirtual().name("microlink-netmon").start(this::run);
        this.netlink = netlink && NetlinkWatch.usable() ? NetlinkWatch.start(this::poke) : null;
        LOG.log(Level.DEBUG, "watching the network: {0}every {1} ms",
                this.netlink != null ? "netlink, and " : "", poll.toMillis());
    }

    /** Watches this host's network with the default timings. */
    public static NetworkMonitor start(Consumer<NetworkChange> listener) {
        return new NetworkMonitor(SystemNetwork::read, listener, POLL, SETTLE, JUMP, true);
    }

    /** Watches what {@code reader} says, with the given timings: for tests. */
    static NetworkMonitor start(Supplier<NetworkState> reader, Consumer<NetworkChange> listener, Duration poll,
                                Duration settle, Duration jump) {
        return new NetworkMonitor(reader, listener, poll, settle, jump, false);
    }

    /** Read the network now rather than at the next poll (the system said something changed). */
    public void poke() {
        wake.release();
    }

    private void run() {
        while (running) {
            try {
                long wait = Math.min(poll.toNanos(), detector.nanosUntilDue(System.nanoTime()));
                wake.tryAcquire(wait, TimeUnit.NANOSECONDS);
                wake.drainPermits();
            } catch (InterruptedException e) {
                return;
            }
            if (!running) {
                return;
            }
            try {
                NetworkChange change = detector.observe(reader.get(), System.nanoTime(), System.currentTimeMillis());
                if (change != null) {
                    LOG.log(Level.INFO, "network changed: {0}", change.describe());
                    listener.accept(change);
                }
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "acting on a network change failed; watching on", e);
            }
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        if (netlink != null) {
            netlink.close();
        }
    }
}
