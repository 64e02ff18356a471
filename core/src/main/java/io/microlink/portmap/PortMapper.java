package io.microlink.portmap;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Keeps a UDP port mapping on the default gateway with NAT-PMP (RFC 6886), so peers behind a
 * NAT that maps every destination to a new port (where hole punching fails) can still reach
 * this node at {@code gateway's external address : mapped port}. {@link #mapped} never blocks:
 * it answers from the current mapping and, when there is none or it is half way through its
 * lifetime, asks the gateway again on a virtual thread, then calls {@code changed} when the
 * answer differs, so the node can tell control its new endpoint.
 *
 * <p>A gateway that does not answer costs {@value #ATTEMPTS} datagrams per try and a pause of
 * {@link #GIVE_UP} before the next; anything but a well-formed answer from the gateway's own
 * address and port is ignored.
 */
public final class PortMapper {
    private static final System.Logger LOG = System.getLogger("io.microlink.portmap");
    /** What tailscale asks for: two hours. */
    static final long LIFETIME_SECONDS = 7200;
    private static final int ATTEMPTS = 3;
    /** The first wait for an answer (RFC 6886 §3.1 starts at 250 ms and doubles). */
    private static final int FIRST_WAIT_MS = 250;
    /** After a gateway that did not answer or refused, this long before asking it again. */
    static final Duration GIVE_UP = Duration.ofMinutes(5);

    /** A mapping the gateway granted, and when. */
    private record Granted(InetAddress gateway, int localPort, InetSocketAddress external, long lifetimeSeconds,
                           long sinceNanos) {}

    private final Supplier<Inet4Address> gateway;
    private final Runnable changed;
    private final AtomicBoolean asking = new AtomicBoolean();
    private volatile Granted current;
    private volatile long quietUntilNanos;
    private volatile boolean closed;
    /** Bumped by {@link #networkChanged}: an answer to a question asked before it is not kept. */
    private volatile int network;

    /**
     * @param gateway where to ask (null from it: no gateway, nothing to do)
     * @param changed told, on the asking thread, when the mapped endpoint appears or changes
     */
    PortMapper(Supplier<Inet4Address> gateway, Runnable changed) {
        this.gateway = gateway;
        this.changed = changed;
    }

    /** A mapper that asks the default gateway of Linux's routing table. */
    public static PortMapper forDefaultGateway(Runnable changed) {
        return new PortMapper(DefaultGateway::find, changed);
    }

    /**
     * The external endpoint mapped to {@code localPort}, or null while there is none; starts a
     * (re)request in the background when one is due.
     */
    public InetSocketAddress mapped(int localPort) {
        long now = System.nanoTime();
        Granted g = current;
        boolean valid = g != null && g.localPort() == localPort
                && now - g.sinceNanos() < Duration.ofSeconds(g.lifetimeSeconds()).toNanos();
        boolean renew = !valid || now - g.sinceNanos() > Duration.ofSeconds(g.lifetimeSeconds() / 2).toNanos();
        if (renew && now - quietUntilNanos >= 0 && !closed && asking.compareAndSet(false, true)) {
            Thread.ofVirtual().name("microlink-portmap").start(() -> ask(localPort));
        }
        return valid ? g.external() : null;
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
            Granted g = request(gw, localPort);
            if (askedOn != network) {
                return; // asked on the network before: whatever it said is stale
            }
            if (g == null) {
                quiet();
                return;
            }
            Granted before = current;
            current = g;
            if (before == null || !before.external().equals(g.external())) {
                LOG.log(Level.INFO, "gateway {0} maps UDP port {1} to {2} for {3} s (NAT-PMP)",
                        gw.getHostAddress(), localPort, g.external(), g.lifetimeSeconds());
                changed.run();
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, "NAT-PMP request failed", e);
            quiet();
        } finally {
            asking.set(false);
        }
    }

    private void quiet() {
        quietUntilNanos = System.nanoTime() + GIVE_UP.toNanos();
    }

    /** Asks {@code gw} for its external address and a mapping; null when it does not answer or refuses. */
    Granted request(InetAddress gw, int localPort) throws IOException {
        InetSocketAddress to = new InetSocketAddress(gw, NatPmp.PORT);
        try (DatagramSocket s = new DatagramSocket()) {
            NatPmp.ExternalAddress ext = (NatPmp.ExternalAddress) exchange(s, to, NatPmp.externalAddressRequest(),
                    NatPmp.ExternalAddress.class);
            if (ext == null || ext.result() != 0) {
                log(gw, ext);
                return null;
            }
            if (!reachableFromElsewhere(ext.address())) {
                LOG.log(Level.DEBUG, "gateway {0} names {1} as its external address; not an endpoint for peers",
                        gw.getHostAddress(), ext.address().getHostAddress());
                return null;
            }
            NatPmp.Mapping m = (NatPmp.Mapping) exchange(s, to,
                    NatPmp.mappingRequest(true, localPort, localPort, LIFETIME_SECONDS), NatPmp.Mapping.class);
            if (m == null || m.result() != 0 || m.internalPort() != localPort || m.externalPort() == 0) {
                log(gw, m);
                return null;
            }
            return new Granted(gw, localPort, new InetSocketAddress(ext.address(), m.externalPort()),
                    m.lifetimeSeconds(), System.nanoTime());
        }
    }

    /**
     * Whether peers could send to {@code a}: not "this host" (0/8), loopback, link-local,
     * multicast or the reserved 240/4 with broadcast, which would have a peer send to itself,
     * its own link or everyone there, whatever a gateway (or someone posing as one) says.
     */
    private static boolean reachableFromElsewhere(Inet4Address a) {
        int first = a.getAddress()[0] & 0xFF;
        return first != 0 && first < 240 && !a.isLoopbackAddress() && !a.isLinkLocalAddress()
                && !a.isMulticastAddress();
    }

    private static void log(InetAddress gw, NatPmp.Response r) {
        LOG.log(Level.DEBUG, "gateway {0}: {1}", gw.getHostAddress(),
                r == null ? "no NAT-PMP answer" : "NAT-PMP " + NatPmp.describe(r.result()));
    }

    /** Sends {@code request} up to {@value #ATTEMPTS} times, waiting 250, 500, 1000 ms for an answer of {@code kind}. */
    private static NatPmp.Response exchange(DatagramSocket s, InetSocketAddress to, byte[] request,
                                            Class<? extends NatPmp.Response> kind) throws IOException {
        byte[] buf = new byte[64];
        for (int i = 0, wait = FIRST_WAIT_MS; i < ATTEMPTS; i++, wait *= 2) {
            s.send(new DatagramPacket(request, request.length, to));
            long deadline = System.nanoTime() + Duration.ofMillis(wait).toNanos();
            for (long left; (left = deadline - System.nanoTime()) > 0; ) {
                s.setSoTimeout((int) Math.max(1, Duration.ofNanos(left).toMillis()));
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    s.receive(p);
                } catch (SocketTimeoutException e) {
                    break;
                }
                if (!to.equals(p.getSocketAddress())) {
                    continue; // only the gateway speaks for the gateway
                }
                try {
                    NatPmp.Response r = NatPmp.decode(p.getData(), p.getOffset(), p.getLength());
                    if (kind.isInstance(r)) {
                        return r;
                    }
                } catch (PortMapProtocolException e) {
                    LOG.log(Level.DEBUG, "ignoring a bad NAT-PMP answer: {0}", e.getMessage());
                }
            }
        }
        return null;
    }

    /** Stops asking; the gateway drops the mapping when its lifetime ends. */
    public void close() {
        closed = true;
    }
}
