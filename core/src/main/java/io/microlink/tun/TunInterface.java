package io.microlink.tun;

import io.microlink.netstack.DroppedInput;
import io.microlink.netstack.Headroom;
import io.microlink.netstack.PacketSink;
import io.microlink.netstack.ip.IpHeader;
import io.microlink.wireguard.tun.IpCommand;
import io.microlink.wireguard.tun.LinuxTun;
import io.microlink.wireguard.tun.TunDevice;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * TUN mode's OS side: a Linux TUN device that carries the tailnet for the whole system, in
 * place of the userspace netstack. It holds the node's tailnet addresses (IPv4 /32, IPv6 /128,
 * kept in step with the netmap), routes the tailnet's ranges and MagicDNS into itself, and
 * hands every packet the OS sends there to one reader callback. The device disappears when
 * this is closed (or the process dies), and its addresses and routes with it.
 *
 * <p>Configuration runs iproute2's {@code ip} (through the WireGuard module's {@link IpCommand})
 * rather than rtnetlink messages built over FFM: it changes only at start and when the node's
 * addresses change, so a process per change costs nothing that matters, and {@code ip} gets the
 * netlink details (attribute layout, IPv6 flags, error texts) right on every kernel, where a
 * hand-rolled encoder would be one more protocol to keep correct here.
 *
 * <pre>{@code
 * Optional<TunInterface> tun = TunInterface.openOrFallBack("tailscale0", toTailnet, Headroom.NONE);
 * tun.ifPresent(t -> t.setAddresses(ownAddresses)); // on every netmap
 * tun.ifPresent(t -> t.write(packet, 0, packet.length)); // a packet for the OS
 * }</pre>
 */
public final class TunInterface implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("io.microlink.tun");
    /** As tailscale's interface: the smallest MTU IPv6 allows, so tunnelled packets fit any path. */
    public static final int MTU = 1280;
    private static final String IPV4_ROUTE = "100.64.0.0/10";
    private static final String IPV6_ROUTE = "fd7a:115c:a1e0::/48";
    /** Inside 100.64.0.0/10 already; its own /32 keeps MagicDNS here should a LAN route part of that range elsewhere. */
    private static final String QUAD_100_ROUTE = "100.100.100.100/32";
    private static final int MAX_PACKET = 65535;
    private static final long READER_STOP_MILLIS = 2000;

    /** Packets taken from the device before the batch is handed on, at most. */
    private static final int MAX_BATCH = 64;

    private final TunDevice tun;
    private final boolean ipv6;
    /** Takes each packet the OS sent into the device, in batches as they were waiting together. */
    private final PacketSink toTailnet;
    /** Left free around each packet read, so the sink frames it in place. */
    private final Headroom room;
    private final Set<InetAddress> assigned = new LinkedHashSet<>(); // guarded by this
    /** The assigned addresses as raw bytes, compared against the destination of packets for the OS. */
    private volatile byte[][] own = new byte[0][];
    private volatile boolean closed;
    /** The OS's packets (or batch ends) whose handling threw: our bug, so counted and logged rarely, never per packet. */
    private final DroppedInput drops = new DroppedInput(LOG, "packet from the OS (or end of batch)");
    private final Thread reader;

    /** Reads {@code tun} (already set up) on a new thread, handing its packets to {@code toTailnet}. */
    TunInterface(TunDevice tun, boolean ipv6, PacketSink toTailnet, Headroom room) {
        this.tun = tun;
        this.ipv6 = ipv6;
        this.toTailnet = toTailnet;
        this.room = room;
        // A platform thread: each read is a native call that would pin a virtual thread's carrier.
        this.reader = Thread.ofPlatform().daemon().name("microlink-tun-" + tun.name()).start(this::readLoop);
    }

    /**
     * Opens and configures the device, or says in one WARNING why it cannot (not Linux, no
     * {@code /dev/net/tun}, no CAP_NET_ADMIN, a non-TUN interface with that name, no {@code ip})
     * and returns empty, so the caller continues in userspace mode.
     *
     * @param toTailnet takes each packet the OS sends into the device, with {@code room} free
     *                  around it; the bytes are only valid during the call
     */
    public static Optional<TunInterface> openOrFallBack(String name, PacketSink toTailnet, Headroom room) {
        if (!System.getProperty("os.name", "").startsWith("Linux")) {
            warnFallBack(name, "TUN mode needs Linux, this is " + System.getProperty("os.name"));
            return Optional.empty();
        }
        try {
            return Optional.of(open(name, toTailnet, room));
        } catch (IOException | RuntimeException | LinkageError e) {
            // LinkageError: the FFM downcalls could not be bound (e.g. native access denied).
            warnFallBack(name, e.getMessage() == null ? e.toString() : e.getMessage());
            return Optional.empty();
        }
    }

    private static void warnFallBack(String name, String why) {
        LOG.log(Level.WARNING, "cannot use TUN device ''{0}'': {1}; the node continues in userspace mode (the "
                + "tailnet is reachable through its Java API, not through the OS)", name, why);
    }

    private static TunInterface open(String name, PacketSink toTailnet, Headroom room) throws IOException {
        LinuxTun tun = LinuxTun.open(name);
        boolean ipv6 = true;
        try {
            IpCommand.setMtuAndUp(tun.name(), MTU);
            addIpv4Routes(tun.name());
            try {
                IpCommand.addRoute(tun.name(), IPV6_ROUTE);
            } catch (IOException e) {
                // IPv6 switched off on this host: IPv4 still carries the tailnet.
                ipv6 = false;
                LOG.log(Level.WARNING, "{0}: no IPv6 tailnet addresses or routes: {1}", tun.name(), e.getMessage());
            }
        } catch (IOException | RuntimeException e) {
            tun.close();
            throw e;
        }
        LOG.log(Level.INFO, "TUN mode: {0} up, MTU {1}, routing {2}{3}", tun.name(), String.valueOf(MTU), IPV4_ROUTE,
                ipv6 ? " and " + IPV6_ROUTE : "");
        return new TunInterface(tun, ipv6, toTailnet, room);
    }

    private static void addIpv4Routes(String dev) throws IOException {
        IpCommand.addRoute(dev, IPV4_ROUTE);
        IpCommand.addRoute(dev, QUAD_100_ROUTE);
    }

    /** Whether the device carries IPv6 (false on a host with IPv6 switched off). */
    public boolean ipv6() {
        return ipv6;
    }

    /** The interface's name as the kernel knows it. */
    public String name() {
        return tun.name();
    }

    /**
     * Makes the interface hold exactly these addresses (the node's, from the netmap): new ones are
     * added, then ones control took away are removed. A change {@code ip} refuses is logged and
     * tried again with the next netmap.
     */
    public synchronized void setAddresses(List<InetAddress> wanted) {
        for (InetAddress a : wanted) {
            if (!assigned.contains(a) && (ipv6 || a instanceof Inet4Address)) {
                try {
                    IpCommand.addAddress(tun.name(), prefix(a));
                    assigned.add(a);
                } catch (IOException e) {
                    LOG.log(Level.WARNING, "{0}: adding {1}: {2}", tun.name(), prefix(a), e.getMessage());
                }
            }
        }
        boolean removedIpv4 = false;
        for (InetAddress a : List.copyOf(assigned)) {
            if (!wanted.contains(a)) {
                try {
                    IpCommand.removeAddress(tun.name(), prefix(a));
                } catch (IOException e) {
                    LOG.log(Level.WARNING, "{0}: removing {1}: {2}", tun.name(), prefix(a), e.getMessage());
                }
                assigned.remove(a); // gone either way: the only failure is that it was no longer there
                removedIpv4 |= a instanceof Inet4Address;
            }
        }
        if (removedIpv4) {
            // The kernel flushes a device's IPv4 routes with its last IPv4 address; put them back.
            try {
                addIpv4Routes(tun.name());
            } catch (IOException e) {
                LOG.log(Level.WARNING, "{0}: restoring routes: {1}", tun.name(), e.getMessage());
            }
        }
        own = assigned.stream().map(InetAddress::getAddress).toArray(byte[][]::new);
    }

    private static String prefix(InetAddress a) {
        return a.getHostAddress() + (a instanceof Inet4Address ? "/32" : "/128");
    }

    /** Whether an IP packet's destination is one of the addresses this interface holds. */
    public boolean isAddressedToOs(byte[] packet, int off, int len) {
        for (byte[] a : own) {
            if (IpHeader.destinationIs(packet, off, len, a)) {
                return true;
            }
        }
        return false;
    }

    /** Hands one IP packet to the OS; one the kernel refuses is dropped, as a link drops it. */
    public void write(byte[] packet, int off, int len) {
        try {
            tun.write(packet, off, len);
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "{0}: dropped a packet for the OS: {1}", tun.name(), e.getMessage());
        }
    }

    /**
     * Reads a packet, waiting for it, then whatever else is waiting (up to a batch), handing each
     * on in the one buffer, and ends the batch: a burst from the OS leaves as a burst.
     */
    private void readLoop() {
        int at = room.front();
        byte[] buf = new byte[at + MAX_PACKET + room.back()];
        try {
            for (int n; (n = tun.read(buf, at, MAX_PACKET)) >= 0; ) {
                int taken = 0;
                while (n > 0) {
                    hand(buf, n);
                    n = ++taken < MAX_BATCH ? tun.readIfWaiting(buf, at, MAX_PACKET) : 0;
                }
                if (n < 0) {
                    return; // closed
                }
                endBatch();
            }
        } catch (IOException e) {
            if (!closed) {
                LOG.log(Level.ERROR, tun.name() + ": reader stopped; the OS no longer reaches the tailnet", e);
            }
        }
    }

    private void endBatch() {
        try {
            toTailnet.endOfBatch();
        } catch (RuntimeException e) {
            drops.record(e);
        }
    }

    private void hand(byte[] buf, int n) {
        try {
            toTailnet.accept(buf, room.front(), n);
        } catch (RuntimeException e) {
            drops.record(e); // keep the interface carrying the rest
        }
    }

    /** Packets from the OS (and batch ends) dropped because handing them on threw. */
    long dropped() {
        return drops.total();
    }

    /** Stops the reader and closes the device, which removes it with its addresses and routes. */
    @Override
    public void close() {
        closed = true;
        tun.close();
        try {
            reader.join(READER_STOP_MILLIS); // a blocked read notices the close within its poll interval
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
