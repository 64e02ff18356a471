package io.microlink.uplink;

import io.microlink.UplinkStatus;
import io.microlink.control.wire.DerpMap;
import io.microlink.netstack.relay.SocketBinder;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * The node's uplinks: interfaces that each reach the internet, in the user's order of
 * preference. Each is checked on a virtual thread of its own ({@link UplinkProbe}, every
 * {@link Settings#checkInterval} with ±20% jitter so checks do not fall into step with anything
 * periodic), {@link UplinkSelector} decides which carries traffic, and the sockets the node
 * opens are bound to that one ({@link #bindTcp}, {@link #bindUdp}): the one way every part of
 * the node (magicsock, control, DERP, the DNS forwarder, port mapping, the subnet relay) binds
 * its host sockets. A switch is logged and handed to every {@link #onSwitch} listener (magicsock
 * rebinds; the node tells its listeners).
 */
public final class Uplinks implements SocketBinder, AutoCloseable {
    private static final System.Logger LOG = System.getLogger("io.microlink.uplink");

    /**
     * @param names         interface names, most preferred first
     * @param checkInterval how often each uplink is checked
     * @param failback      how long a more preferred uplink must stay up before traffic returns to it
     */
    public record Settings(List<String> names, Duration checkInterval, Duration failback) {
        /** Every 5 s: a dead uplink is noticed within about 15 s, for 100 bytes per check. */
        public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);
        /** A recovered preferred uplink carries traffic again after a minute without a failed check. */
        public static final Duration DEFAULT_FAILBACK = Duration.ofSeconds(60);

        public Settings {
            names = List.copyOf(names);
            if (checkInterval.isNegative() || checkInterval.isZero() || failback.isNegative()) {
                throw new IllegalArgumentException("the uplink check interval must be positive, the failback time not negative");
            }
        }
    }

    /**
     * One health check of one uplink: null if it reached a relay, the home region's first, else
     * why not ({@link UplinkProbe#check}).
     */
    @FunctionalInterface
    interface Probe {
        String check(String device, DerpMap map, int homeRegion, Duration timeout);
    }

    private final Settings settings;
    private final Probe probe;
    private final UplinkSelector selector;
    private final List<Consumer<UplinkSelector.Switch>> listeners = new CopyOnWriteArrayList<>();
    private final List<Thread> checkers = new ArrayList<>();
    private final Function<InetAddress, KernelRoute.Match> routes;
    private volatile boolean running = true;

    /**
     * @throws IllegalArgumentException for no names, repeated ones or names no interface can have
     * @throws IllegalStateException    where sockets cannot be bound to an interface (not Linux, or no native access)
     */
    public Uplinks(Settings settings) {
        this(settings, UplinkProbe::check, KernelRoute::to);
        if (!DeviceBinding.usable()) {
            throw new IllegalStateException("uplinks need Linux and native access (java --enable-native-access=ALL-UNNAMED)");
        }
    }

    /**
     * With checks made by {@code probe} and routes looked up by {@code routes}: for tests, which
     * cannot bind sockets to interfaces.
     */
    Uplinks(Settings settings, Probe probe, Function<InetAddress, KernelRoute.Match> routes) {
        checkNames(settings.names());
        this.settings = settings;
        this.probe = probe;
        this.routes = routes;
        this.selector = new UplinkSelector(settings.names(), settings.failback().toNanos());
    }

    /**
     * Fails unless {@code names} are distinct names an interface can have (Linux: 1 to 15
     * printable characters, no slash or blank), at least one.
     *
     * @throws IllegalArgumentException naming the first bad one
     */
    public static void checkNames(List<String> names) {
        for (String n : names) {
            if (n.isEmpty() || n.length() > 15 || !n.chars().allMatch(c -> c > ' ' && c < 127 && c != '/')) {
                throw new IllegalArgumentException("\"" + n + "\" is not an interface name");
            }
        }
        if (names.isEmpty() || names.stream().distinct().count() != names.size()) {
            throw new IllegalArgumentException("uplinks must be distinct interface names, at least one: " + names);
        }
    }

    /**
     * How the node readies its host sockets: bound to the active one of {@code uplinks}, or,
     * without uplinks (null), not at all (they follow the routing table); in TUN mode each is
     * first marked to bypass the device ({@link BypassMark}), so an exit node in use does not
     * take the node's own traffic.
     *
     * @param uplinks the node's uplinks, or null
     * @param tunMode whether the node runs a TUN device
     * @return the binder every part of the node uses
     */
    public static SocketBinder binderOf(Uplinks uplinks, boolean tunMode) {
        SocketBinder bind = uplinks == null ? SocketBinder.DEFAULT_ROUTE : uplinks;
        return tunMode ? new BypassMark(bind) : bind;
    }

    /** Called on a checker's thread after each switch, in the order added. */
    public void onSwitch(Consumer<UplinkSelector.Switch> listener) {
        listeners.add(listener);
    }

    /** The interface traffic leaves through now. */
    public String active() {
        return selector.active();
    }

    /** Each uplink, in priority order. */
    public List<UplinkStatus> statuses() {
        return selector.statuses();
    }

    /**
     * Binds an unconnected TCP socket to the active uplink, unless {@code to} is reached another
     * way ({@link #throughUplink}).
     *
     * @param to where it connects, or null when that is not known here (through a proxy, or by name): bound
     */
    @Override
    public void bindTcp(Socket unconnected, InetAddress to) throws IOException {
        if (throughUplink(to)) {
            DeviceBinding.bindTcp(unconnected, active());
        }
    }

    /**
     * Binds this process's UDP socket on {@code port} to the active uplink, unless {@code to} is
     * reached another way ({@link #throughUplink}).
     *
     * @param to where it sends, or null for a socket that sends anywhere (magicsock's): bound
     */
    @Override
    public void bindUdp(int port, InetAddress to) throws IOException {
        if (throughUplink(to)) {
            DeviceBinding.bindUdp(port, active());
        }
    }

    /**
     * Whether traffic to {@code to} belongs on the active uplink: not where it never leaves the
     * host or its link (loopback, link-local, the host's own addresses), nor where the kernel
     * routes it through an interface that is not an uplink (a LAN of a third interface, such as a
     * subnet route's hosts): bound to the uplink, it could not get there. Everything the kernel
     * would send along a default route or through an uplink goes through the active one.
     */
    boolean throughUplink(InetAddress to) {
        if (to == null) {
            return true;
        }
        if (to.isLoopbackAddress() || to.isLinkLocalAddress() || to.isAnyLocalAddress()) {
            return false;
        }
        KernelRoute.Match route = routes.apply(to);
        return route == null || route.prefixLength() == 0 || settings.names().contains(route.iface());
    }

    /**
     * Starts checking each uplink against the relays of {@code derpMap} (null while there is
     * none), the home region's first.
     *
     * @param homeRegion the home relay's region of the moment (0 before the first netcheck)
     */
    public synchronized void start(Supplier<DerpMap> derpMap, IntSupplier homeRegion) {
        if (!checkers.isEmpty() || !running) {
            return;
        }
        for (String name : settings.names()) {
            checkers.add(Thread.ofVirtual().name("microlink-uplink-" + name).start(() -> watch(name, derpMap, homeRegion)));
        }
    }

    private void watch(String name, Supplier<DerpMap> derpMap, IntSupplier homeRegion) {
        long interval = settings.checkInterval().toNanos();
        // STUN and then TCP wait 40% of the interval each: a failed check ends before the next is due, jitter and all.
        Duration timeout = settings.checkInterval().multipliedBy(2).dividedBy(5);
        String lastProblem = null;
        while (running) {
            long started = System.nanoTime();
            DerpMap map = derpMap.get();
            if (map != null) {
                String problem = probe.check(name, map, homeRegion.getAsInt(), timeout);
                if (problem != null && !problem.equals(lastProblem)) {
                    LOG.log(Level.DEBUG, "uplink {0} check failed: {1}", name, problem);
                }
                lastProblem = problem;
                UplinkSelector.Switch s = selector.record(name, problem == null, System.nanoTime());
                if (s != null) {
                    LOG.log(Level.INFO, "uplink switched from {0} to {1}: {2}", s.from(), s.to(), s.reason());
                    listeners.forEach(l -> tell(l, s));
                }
            }
            // Checks start every interval, however long this one waited for answers: a dead uplink
            // is down after about DOWN_AFTER intervals, not twice that.
            long next = started + interval + ThreadLocalRandom.current().nextLong(-interval / 5, interval / 5 + 1);
            try {
                Thread.sleep(Duration.ofNanos(Math.max(0, next - System.nanoTime())));
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static void tell(Consumer<UplinkSelector.Switch> listener, UplinkSelector.Switch s) {
        try {
            listener.accept(s);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "acting on an uplink switch failed", e);
        }
    }

    @Override
    public synchronized void close() {
        running = false;
        checkers.forEach(Thread::interrupt);
    }
}
