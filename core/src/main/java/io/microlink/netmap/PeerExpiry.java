package io.microlink.netmap;

import io.microlink.control.wire.Node;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

/**
 * Which peers' node keys have expired, sans I/O but for the clock it is given. An expired peer
 * stays in the netmap (control lists it, {@code Peer.expired()} says so) but is not a WireGuard
 * peer and has no path: tailscaled likewise keeps it, marked expired, and configures nothing
 * for it ({@code ipnlocal.expiryManager}). Control sets {@code Expired} itself only now and
 * then, so the key's expiry time counts too, checked against control's clock where ours is
 * more than a minute off it, as tailscaled does. The data plane asks {@link #due} on its timer
 * tick and re-applies the netmap when the next expiry has passed, so a peer is cut off when
 * its key expires, not when control next sends a map.
 *
 * <pre>{@code
 * PeerExpiry expiry = new PeerExpiry(InstantSource.system());
 * expiry.controlTime(map.controlTime());     // with each map that carries one
 * boolean skip = expiry.expired(node);       // when a netmap is applied ...
 * expiry.applied(map);                       // ... and after it
 * if (expiry.due()) { reapply(currentMap); } // on each tick
 * }</pre>
 */
public final class PeerExpiry {
    /** An expiry at or before this means "never": control sends Go's zero time (year 1) for it. */
    private static final Instant NEVER = Instant.EPOCH;
    /** A smaller difference from control's clock is not corrected (tailscale's {@code minClockDelta}). */
    private static final Duration MIN_SKEW = Duration.ofMinutes(1);

    private final InstantSource clock;
    private volatile Duration skew = Duration.ZERO;
    /** The earliest key expiry still ahead in the netmap last applied, or null. */
    private volatile Instant next;

    public PeerExpiry(InstantSource clock) {
        this.clock = clock;
    }

    /** Whether {@code node}'s key had expired at {@code now}: control says so, or its expiry time has passed. */
    public static boolean expiredAt(Node node, Instant now) {
        Instant expiry = node.keyExpiry();
        return node.expired() || (expiry != null && expiry.isAfter(NEVER) && !expiry.isAfter(now));
    }

    /** Control's time, from a map response: where our clock is off by more than a minute, its time counts. */
    public void controlTime(Instant controlTime) {
        Duration d = Duration.between(clock.instant(), controlTime);
        skew = d.abs().compareTo(MIN_SKEW) > 0 ? d : Duration.ZERO;
    }

    /** Now, by control's clock as far as we know it. */
    public Instant now() {
        return clock.instant().plus(skew);
    }

    /** Whether {@code node}'s key has expired now. */
    public boolean expired(Node node) {
        return expiredAt(node, now());
    }

    /** Notes the netmap just applied, so {@link #due} knows when its next peer expires. */
    public void applied(Netmap map) {
        Instant now = now();
        Instant soonest = null;
        for (Node n : map.peers()) {
            Instant e = n.keyExpiry();
            if (!n.expired() && e != null && e.isAfter(now) && (soonest == null || e.isBefore(soonest))) {
                soonest = e;
            }
        }
        next = soonest;
    }

    /** Whether a peer of the netmap last applied has expired since: time to apply it again. */
    public boolean due() {
        Instant n = next;
        return n != null && !n.isAfter(now());
    }
}
