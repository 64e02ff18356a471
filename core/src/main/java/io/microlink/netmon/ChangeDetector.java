package io.microlink.netmon;

import java.time.Duration;

/**
 * Decides, sans I/O, when the network has changed enough to tell the node: fed one
 * {@link NetworkState} after another with both clocks, it answers with a {@link NetworkChange}
 * or null. Changes come in bursts (a link goes, its addresses go, the routes through it go;
 * then the new link, address and route come one by one), so the first difference is reported
 * at once (the node should not wait to learn that its path is gone), and what follows within
 * the settle time is held and reported once, as the state it settled on, when that time is up.
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
        if (!pending || (everReported && monoNanos - lastReportNanos < settleNanos)) {
            return null;
        }
        NetworkChange change = new NetworkChange(reported, now, pendingJump);
        reported = now;
        pending = false;
        pendingJump = false;
        everReported = true;
        lastReportNanos = monoNanos;
        return change;
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
