package io.microlink.portmap;

import io.microlink.PortMapping;
import io.microlink.netstack.DroppedInput;
import io.microlink.netstack.relay.SocketBinder;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Keeps a UDP port mapping on the default gateway (the active uplink's, with uplinks), so peers behind a NAT that maps every
 * destination to a new port (where hole punching fails) can still reach this node at
 * {@code gateway's external address : mapped port}. It asks as tailscaled does: NAT-PMP first,
 * then PCP, then UPnP IGD, and renews with whichever granted. {@link #mapped} never blocks: it
 * answers from the current mapping and, when there is none, it is half way through its
 * lifetime, or the gateway's epoch is due a check, asks on a virtual thread, then calls
 * {@code changed} when the endpoint differs, so the node can tell control.
 *
 * <p>A gateway that does not answer, or refuses, is asked again only after {@link #GIVE_UP}. A
 * gateway whose epoch shows it restarted (and so forgot our mapping) is asked again at once.
 * However short a lifetime the gateway grants, it is not asked again within {@link #RENEW_FLOOR}.
 *
 * <p>An answer is kept only if it was asked on the network there is now and the mapper is not
 * closed, checked and stored under one lock that {@link #networkChanged} and {@link #close}
 * take too; any other grant is deleted at its gateway, so none is left behind unused.
 */
public final class PortMapper {
    private static final System.Logger LOG = System.getLogger("io.microlink.portmap");
    /** What tailscale asks for: two hours. */
    static final long LIFETIME_SECONDS = 7200;
    /** After a gateway that did not answer or refused, this long before asking it again. */
    static final Duration GIVE_UP = Duration.ofMinutes(5);
    /** The shortest time between two requests for one mapping, whatever lifetime was granted. */
    static final Duration RENEW_FLOOR = Duration.ofSeconds(30);
    /** How often a gateway with an epoch is asked for it, to notice a restart before renewal. */
    static final Duration EPOCH_CHECK = Duration.ofMinutes(1);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(2);

    private final Supplier<Inet4Address> gateway;
    private final List<MappingProtocol> protocols;
    private final Duration epochCheck;
    private final Runnable changed;
    private final AtomicBoolean asking = new AtomicBoolean();
    private final LongAdder shortLifetimes = new LongAdder();
    /** A protocol that threw instead of answering: our bug, counted, and the next protocol is asked. */
    private final DroppedInput failedProtocols = new DroppedInput(LOG, "port mapping request");
    /** Guards storing an answer against {@link #networkChanged} and {@link #close}. */
    private final Object lock = new Object();
    private volatile Grant current;
    private volatile long checkedNanos;
    private volatile long quietUntilNanos;
    private volatile boolean closed;
    /** Bumped by {@link #networkChanged}: an answer to a question asked before it is not kept. */
    private final AtomicInteger network = new AtomicInteger();

    /**
     * @param gateway   where to ask (null from it: no gateway, nothing to do)
     * @param protocols the ways to ask, in order
     * @param epochCheck how often to ask a gateway for its epoch ({@link #EPOCH_CHECK}; shorter in tests)
     * @param changed   told, on the asking thread, when the mapped endpoint appears or changes; it
     *                  runs under the mapper's lock (so never after {@link #close} returned) and must be quick
     */
    PortMapper(Supplier<Inet4Address> gateway, List<MappingProtocol> protocols, Duration epochCheck,
               Runnable changed) {
        this.gateway = gateway;
        this.protocols = List.copyOf(protocols);
        this.epochCheck = epochCheck;
        this.changed = changed;
    }

    /**
     * A mapper that asks, with NAT-PMP, PCP and UPnP, the gateway of Linux's default route through
     * the interface {@code uplink} names at the time (the node's active uplink; null from it: the
     * first default route's), from sockets readied by {@code binder} (bound to that uplink).
     * On an uplink switch {@link #networkChanged} makes it ask the new uplink's gateway.
     *
     * @param uplink  the interface whose gateway to ask, or null for the default route's
     * @param binder  readies each socket to the gateway
     * @param changed told when the mapped endpoint appears or changes
     * @return the mapper
     */
    public static PortMapper forDefaultGateway(Supplier<String> uplink, SocketBinder binder, Runnable changed) {
        return new PortMapper(() -> DefaultGateway.find(uplink.get()), List.of(new NatPmpClient(binder),
                new PcpClient(binder), new UpnpClient(Ssdp.PORT, true, binder)), EPOCH_CHECK, changed);
    }

    /**
     * The external endpoint mapped to {@code localPort}, or null while there is none; starts a
     * (re)request in the background when one is due.
     */
    public InetSocketAddress mapped(int localPort) {
        long now = System.nanoTime();
        Grant g = current;
        boolean ours = g != null && g.localPort() == localPort;
        boolean valid = ours && now - g.sinceNanos() < Duration.ofSeconds(g.lifetimeSeconds()).toNanos();
        boolean due = !ours || now - g.sinceNanos() >= renewAfter(g).toNanos()
                || g.epochSeconds() >= 0 && now - checkedNanos >= epochCheck.toNanos();
        if (due && now - quietUntilNanos >= 0 && !closed && asking.compareAndSet(false, true)) {
            Thread.ofVirtual().name("microlink-portmap").start(() -> ask(localPort));
        }
        return valid ? g.external() : null;
    }

    /** The current mapping and who granted it, or null: for status output. */
    public PortMapping current() {
        Grant g = current;
        return g == null || System.nanoTime() - g.sinceNanos() >= Duration.ofSeconds(g.lifetimeSeconds()).toNanos()
                ? null : g.mapping();
    }

    /** Answers whose lifetime was too short to renew at its half (renewed after {@link #RENEW_FLOOR} instead). */
    public long shortLifetimeReplies() {
        return shortLifetimes.sum();
    }

    /** Half the lifetime (RFC 6886 §3.3, RFC 6887 §11.2.1), but never sooner than {@link #RENEW_FLOOR}. */
    private static Duration renewAfter(Grant g) {
        Duration half = Duration.ofSeconds(g.lifetimeSeconds() / 2);
        return half.compareTo(RENEW_FLOOR) < 0 ? RENEW_FLOOR : half;
    }

    /**
     * The host's network changed: the mapping of the gateway before is no endpoint of ours any
     * more, and whichever gateway is there now is asked at the next {@link #mapped}, not after a
     * pause the old one earned.
     */
    public void networkChanged() {
        synchronized (lock) {
            network.incrementAndGet();
            current = null;
            quietUntilNanos = System.nanoTime();
        }
    }

    private void ask(int localPort) {
        int askedOn = network.get();
        try {
            Inet4Address gw = gateway.get();
            if (gw == null) {
                settle(null, null, askedOn);
                return;
            }
            Grant before = current;
            boolean ours = before != null && before.localPort() == localPort && before.gateway().equals(gw);
            if (ours && System.nanoTime() - before.sinceNanos() < renewAfter(before).toNanos()
                    && stillThere(before, askedOn)) {
                return;
            }
            Grant g = request(gw, localPort, ours ? before.protocol() : null, askedOn);
            if (!settle(g, before, askedOn) && g != null) {
                // Asked on the network before, or closed since: nobody would renew or delete it. Deleted
                // here, before the next question may start: that one could get the same gateway's new
                // mapping of the same port, which a later deletion would take away.
                drop(g);
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, "port mapping request failed", e);
            settle(null, null, askedOn);
        } finally {
            asking.set(false);
        }
    }

    /**
     * Keeps {@code g} as the mapping (null: nothing granted, so a pause), unless the network
     * changed since {@code askedOn} or the mapper closed: false then, and nothing is touched.
     */
    private boolean settle(Grant g, Grant before, int askedOn) {
        synchronized (lock) {
            if (stale(askedOn)) {
                return false;
            }
            if (g == null) {
                quiet();
                return true;
            }
            if (g.lifetimeSeconds() / 2 < RENEW_FLOOR.toSeconds()) {
                shortLifetimes.increment();
            }
            current = g;
            checkedNanos = g.sinceNanos();
            if (before == null || !before.external().equals(g.external()) || before.protocol() != g.protocol()) {
                LOG.log(Level.INFO, "gateway {0} maps UDP port {1} to {2}:{3} for {4} s ({5})",
                        g.gateway().getHostAddress(), Integer.toString(g.localPort()),
                        g.external().getAddress().getHostAddress(), Integer.toString(g.external().getPort()),
                        Long.toString(g.lifetimeSeconds()), g.protocol().label());
                changed.run();
            }
            return true;
        }
    }

    /** Whether the mapper closed, or the network changed, since a question asked on {@code askedOn}. */
    private boolean stale(int askedOn) {
        return closed || network.get() != askedOn;
    }

    /**
     * Asks the gateway for its epoch: whether it still has {@code g}. True when it does, or says
     * nothing (the renewal finds out); false when it restarted since, so the caller maps again.
     */
    private boolean stillThere(Grant g, int askedOn) throws IOException {
        long epoch = protocol(g.protocol()).epoch(g.gateway());
        long now = System.nanoTime();
        if (epoch < 0 || stale(askedOn)) {
            checkedNanos = now;
            return true;
        }
        if (Epoch.lostState(g.epochSeconds(), g.sinceNanos(), epoch, now)) {
            LOG.log(Level.INFO, "gateway {0} restarted (epoch {1} s, was {2} s): mapping again",
                    g.gateway().getHostAddress(), Long.toString(epoch), Long.toString(g.epochSeconds()));
            return false;
        }
        checkedNanos = now;
        return true;
    }

    private void quiet() {
        quietUntilNanos = System.nanoTime() + GIVE_UP.toNanos();
    }

    /**
     * Asks each protocol in turn, {@code first} (the one that granted before) first; null when
     * none grants, or when the network changes or the mapper closes before the next is asked
     * (the gateway asked so far may not be ours any more).
     *
     * @param askedOn the network the question is for ({@link #network}'s value when it began)
     */
    Grant request(Inet4Address gw, int localPort, PortMapProtocol first, int askedOn) throws IOException {
        List<MappingProtocol> order = new ArrayList<>(protocols);
        order.sort((a, b) -> Boolean.compare(b.kind() == first, a.kind() == first));
        for (MappingProtocol p : order) {
            if (stale(askedOn)) {
                return null;
            }
            try {
                Grant g = p.map(gw, localPort);
                if (g != null) {
                    return g;
                }
            } catch (IOException e) {
                LOG.log(Level.DEBUG, "{0} with gateway {1} failed: {2}", p.kind().label(), gw.getHostAddress(),
                        e.getMessage());
            } catch (RuntimeException e) {
                failedProtocols.record(e); // one protocol's bug must not keep the next from being asked
            }
        }
        return null;
    }

    /** Protocols that threw instead of answering (our bug, logged rate-limited), for tests. */
    long failedProtocols() {
        return failedProtocols.total();
    }

    private MappingProtocol protocol(PortMapProtocol kind) {
        return protocols.stream().filter(p -> p.kind() == kind).findFirst().orElseThrow();
    }

    /** Stops asking and asks the gateway to drop the mapping (best effort: it also ends with its lifetime). */
    public void close() {
        Grant g;
        synchronized (lock) {
            closed = true;
            g = current;
            current = null;
        }
        if (g == null) {
            return;
        }
        Thread delete = Thread.ofVirtual().name("microlink-portmap-delete").start(() -> drop(g));
        try {
            delete.join(CLOSE_WAIT); // UPnP's is an HTTP request; shutting down waits no longer than this
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Asks {@code g}'s gateway to delete it; best effort (it also ends with its lifetime). */
    private void drop(Grant g) {
        try {
            protocol(g.protocol()).delete(g);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, "could not drop the port mapping: {0}", e.getMessage());
        }
    }
}
