package io.microlink.netmon;

import java.time.Duration;

/**
 * Decides, sans I/O, when the network has changed enough to tell the node: fed one
 * {@link NetworkState} after another with both clocks, it answers with a {@link NetworkChange}
 * or null. Changes come in bursts (a link goes, its addresses go, the routes through it go;
 * then the new link, address and route come one by one), so the first difference is reported
 * at once (the node should not wait to learn that its path is gone), and what follows within
 * the settle time is held and reported once, as the state it settled on, when that time is up;
 * except a new way out that is complete (the default route through the new link), which is
 * reported as soon as it is there, since traffic waits for it.
 * A flap that ends where it began within the settle time reports nothing more.
 *
 * <p>A suspended machine shows on resume as a wall clock that moved on while the monotonic
 * clock (which Linux stops during suspend) did not: a gap between them larger than the jump
 * threshold is a change too, whatever the interfaces say, since NAT mappings and relay
 * connections rarely survive a sleep.
 *
 * <pre>{@code
 * ChangeDetector d = new ChangeDetector(state, System.nanoTime(), System.currentTimeMillis(), settle, jump);
 * NetworkChange c = d.observe(read(), System.nanoTime(), System.currentTimeMillis()); // null: nothing to do
 * long wait = d.nanosUntilDue(System.nanoTime());  // observe again by then at the latest
 * }</pre>
 */
public final class ChangeDetector {
    private final long settleNanos;
    private final long jumpNanos;
    private NetworkState reported;
    private long lastMonoNanos;
    private long lastWallMillis;
    private boolean everReported;
    private long lastReportNanos;
    private boolean pending;
    private boolean pendingJump;
    /** Whether the last report moved the way out (an address went, the default route moved). */
    private boolean lastMovedWayOut;

    /**
     * @param initial  the state to compare the first observation with
     * @param settle   how long after a report further changes are gathered into one
     * @param jump     how far the two clocks may drift apart between observations before it counts as a jump
     */
    public ChangeDetector(NetworkState initial, long monoNanos, long wallMillis, Duration settle, Duration jump) {
        this.reported = initial;
        this.lastMonoNanos = monoNanos;
        this.lastWallMillis = wallMillis;
        this.settleNanos = settle.toNanos();
        this.jumpNanos = jump.toNanos();
    }

    /** The state now, read at {@code monoNanos} ({@link System#nanoTime}) and {@code wallMillis}; a change to act on, or null. */
    public NetworkChange observe(NetworkState now, long monoNanos, long wallMillis) {
        long drift = (wallMillis - lastWallMillis) * 1_000_000L - (monoNanos - lastMonoNanos);
        lastMonoNanos = monoNanos;
        lastWallMillis = wallMillis;
        if (Math.abs(drift) > jumpNanos) {
            pendingJump = true;
        }
        pending = pendingJump || !now.equals(reported);
        if (!pending || (everReported && monoNanos - lastReportNanos < settleNanos && !newWayOutReady(now))) {
            return null;
        }
        NetworkChange change = new NetworkChange(reported, now, pendingJump);
        lastMovedWayOut = movesWayOut(change);
        reported = now;
        pending = false;
        pendingJump = false;
        everReported = true;
        lastReportNanos = monoNanos;
        return change;
    }

    private static boolean movesWayOut(NetworkChange c) {
        return c.defaultRouteChanged() || !c.vanished().isEmpty();
    }

    private static boolean hasDefaultRoute(NetworkState s) {
        return s.defaultV4() != null || s.defaultV6() != null;
    }

    /**
     * Whether {@code now} is where a move of the way out ends, so it is reported within the settle
     * time: traffic waits for it. It moves the way out, every family that had a default route has
     * one again, and the last report did not move the way out itself unless it left none (a link
     * that flaps between two working ways is still gathered). So after "a new address" the old
     * one going with the new default route is said at once, as is the first default route after
     * "nothing works"; a burst that still has no way out is gathered as before.
     */
    private boolean newWayOutReady(NetworkState now) {
        boolean complete = hasDefaultRoute(now) && (reported.defaultV4() == null || now.defaultV4() != null)
                && (reported.defaultV6() == null || now.defaultV6() != null);
        return complete && movesWayOut(new NetworkChange(reported, now, false))
                && (!lastMovedWayOut || !hasDefaultRoute(reported));
    }

    /**
     * How long the caller may wait before the next {@link #observe}: until the settle time ends
     * if a change is being held, else {@link Long#MAX_VALUE} (the caller's own polling interval,
     * or a wake-up from the system, decides).
     */
    public long nanosUntilDue(long monoNanos) {
        return pending ? Math.max(0, lastReportNanos + settleNanos - monoNanos) : Long.MAX_VALUE;
    }
}
