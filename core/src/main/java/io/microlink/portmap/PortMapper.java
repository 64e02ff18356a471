package io.microlink.portmap;

import io.microlink.PortMapping;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Keeps a UDP port mapping on the default gateway, so peers behind a NAT that maps every
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
    private volatile Grant current;
    private volatile long checkedNanos;
    private volatile long quietUntilNanos;
    private volatile boolean closed;
    /** Bumped by {@link #networkChanged}: an answer to a question asked before it is not kept. */
    private volatile int network;

    /**
     * @param gateway   where to ask (null from it: no gateway, nothing to do)
     * @param protocols the ways to ask, in order
     * @param epochCheck how often to ask a gateway for its epoch ({@link #EPOCH_CHECK}; shorter in tests)
     * @param changed   told, on the asking thread, when the mapped endpoint appears or changes
     */
    PortMapper(Supplier<Inet4Address> gateway, List<MappingProtocol> protocols, Duration epochCheck,
               Runnable changed) {
        this.gateway = gateway;
        this.protocols = List.copyOf(protocols);
        this.epochCheck = epochCheck;
        this.changed = changed;
    }

    /** A mapper that asks the default gateway of Linux's routing table with NAT-PMP, PCP and UPnP. */
    public static PortMapper forDefaultGateway(Runnable changed) {
        return new PortMapper(DefaultGateway::find,
                List.of(new NatPmpClient(), new PcpClient(), new UpnpClient(Ssdp.PORT, true)), EPOCH_CHECK, changed);
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
        network++;
        current = null;
        quietUntilNanos = System.nanoTime();
    }

    private void ask(int localPort) {
        int askedOn = network;
        try {
            Inet4Address gw = gateway.get();
            if (gw == null) {
                quiet();
                return;
            }
            Grant before = current;
            boolean ours = before != null && before.localPort() == localPort && before.gateway().equals(gw);
            if (ours && System.nanoTime() - before.sinceNanos() < renewAfter(before).toNanos()
                    && stillThere(before, askedOn)) {
                return;
            }
            Grant g = request(gw, localPort, ours ? before.protocol() : null);
            if (askedOn != network) {
                return; // asked on the network before: whatever it said is stale
            }
            if (g == null) {
                quiet();
                return;
            }
            if (g.lifetimeSeconds() / 2 < RENEW_FLOOR.toSeconds()) {
                shortLifetimes.increment();
            }
            current = g;
            checkedNanos = g.sinceNanos();
            if (before == null || !before.external().equals(g.external()) || before.protocol() != g.protocol()) {
                LOG.log(Level.INFO, "gateway {0} maps UDP port {1} to {2}:{3} for {4} s ({5})", gw.getHostAddress(),
                        Integer.toString(localPort), g.external().getAddress().getHostAddress(),
                        Integer.toString(g.external().getPort()), Long.toString(g.lifetimeSeconds()),
                        g.protocol().label());
                changed.run();
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, "port mapping request failed", e);
            quiet();
        } finally {
            asking.set(false);
        }
    }

    /**
     * Asks the gateway for its epoch: whether it still has {@code g}. True when it does, or says
     * nothing (the renewal finds out); false when it restarted since, so the caller maps again.
     */
    private boolean stillThere(Grant g, int askedOn) throws IOException {
        long epoch = protocol(g.protocol()).epoch(g.gateway());
        long now = System.nanoTime();
        if (epoch < 0 || askedOn != network) {
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

    /** Asks each protocol in turn, {@code first} (the one that granted before) first; null when none grants. */
    Grant request(Inet4Address gw, int localPort, PortMapProtocol first) throws IOException {
        List<MappingProtocol> order = new ArrayList<>(protocols);
        order.sort((a, b) -> Boolean.compare(b.kind() == first, a.kind() == first));
        for (MappingProtocol p : order) {
            try {
                Grant g = p.map(gw, localPort);
                if (g != null) {
                    return g;
                }
            } catch (IOException e) {
                LOG.log(Level.DEBUG, "{0} with gateway {1} failed: {2}", p.kind().label(), gw.getHostAddress(),
                        e.getMessage());
            }
        }
        return null;
    }

    private MappingProtocol protocol(PortMapProtocol kind) {
        return protocols.stream().filter(p -> p.kind() == kind).findFirst().orElseThrow();
    }

    /** Stops asking and asks the gateway to drop the mapping (best effort: it also ends with its lifetime). */
    public void close() {
        closed = true;
        Grant g = current;
        current = null;
        if (g == null) {
            return;
        }
        Thread delete = Thread.ofVirtual().name("microlink-portmap-delete").start(() -> {
            try {
                protocol(g.protocol()).delete(g);
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.DEBUG, "could not drop the port mapping: {0}", e.getMessage());
            }
        });
        try {
            delete.join(CLOSE_WAIT); // UPnP's is an HTTP request; shutting down waits no longer than this
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
