package io.microlink.magicsock;

import io.microlink.netmon.NetworkChange;
import java.net.InetAddress;
import java.util.HashSet;
import java.util.Set;

/**
 * What magicsock does about a {@link NetworkChange}, sans I/O. As tailscale's magicsock
 * does on a "major" link change: when the way out changed (the default route, the clock
 * jumped past a suspend) or an address we may have been reached at is gone, the UDP socket
 * is bound afresh, every peer's direct path is dropped and found again (DISCO pings and a
 * call-me-maybe with our new endpoints), and a netcheck learns our new public address, which
 * goes to control. Relay connections that went out over a vanished address are dead and are
 * closed; when the default route moved, so did the path of every relay connection (through
 * another router, whose NAT never saw them), so all of them are. When addresses only
 * appeared, nothing broke: a netcheck finds out whether they make new endpoints.
 * WireGuard sessions are never touched: their keys do not depend on the path.
 *
 * @param rebindUdp    close the UDP socket and bind the same port again
 * @param resetPaths   drop every peer's proven direct path and probe afresh
 * @param closeAllDerp close every relay connection (they reconnect at once)
 * @param derpVanished close the relay connections whose local address is one of these
 * @param restun       run a netcheck now and report what changed to control
 */
record RebindPlan(boolean rebindUdp, boolean resetPaths, boolean closeAllDerp, Set<InetAddress> derpVanished,
                  boolean restun) {
    static final RebindPlan NOTHING = new RebindPlan(false, false, false, Set.of(), false);

    RebindPlan {
        derpVanished = Set.copyOf(derpVanished);
    }

    static RebindPlan of(NetworkChange change) {
        boolean wayOut = change.timeJumped() || change.defaultRouteChanged();
        Set<InetAddress> vanished = change.vanished();
        if (wayOut || !vanished.isEmpty()) {
            return new RebindPlan(true, true, wayOut, vanished, true);
        }
        if (!change.appeared().isEmpty()) {
            return new RebindPlan(false, false, false, Set.of(), true);
        }
        return NOTHING; // e.g. only IPv6 link-local addresses came or went
    }

    /**
     * The node moved its traffic to another uplink ({@link io.microlink.uplink.Uplinks}): as when
     * the default route moves, the socket, every direct path and every relay connection went
     * out the old way, so all are made afresh through the new one.
     */
    static RebindPlan uplinkSwitched() {
        return new RebindPlan(true, true, true, Set.of(), true);
    }

    /** Both plans' work: two changes before magicsock got to the first one. */
    RebindPlan and(RebindPlan other) {
        Set<InetAddress> vanished = new HashSet<>(derpVanished);
        vanished.addAll(other.derpVanished);
        return new RebindPlan(rebindUdp || other.rebindUdp, resetPaths || other.resetPaths,
                closeAllDerp || other.closeAllDerp, vanished, restun || other.restun);
    }

    /**
     * Whether a TCP connection from {@code localAddress} went out a way this change closed: every
     * one when the way out moved, else those from a vanished address. Relay connections and the
     * control connection alike (tailscale's {@code tsdial} closes its system connections by the
     * same two rules on a link change).
     */
    boolean strands(InetAddress localAddress) {
        return closeAllDerp || localAddress != null && derpVanished.contains(localAddress);
    }

    boolean isNothing() {
        return equals(NOTHING);
    }
}
