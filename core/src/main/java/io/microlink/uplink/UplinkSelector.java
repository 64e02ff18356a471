package io.microlink.uplink;

import io.microlink.UplinkStatus;
import io.microlink.UplinkStatus.Health;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Which uplink carries the node's traffic, sans I/O: it is told each health check's outcome
 * (with the time, {@link System#nanoTime} or a test's clock) and says when to switch.
 *
 * <p>An uplink is {@link Health#DOWN} after {@value #DOWN_AFTER} failed checks in a row and
 * {@link Health#UP} after {@value #UP_AFTER} good ones in a row; until then it is
 * {@link Health#UNKNOWN}. The first uplink in the priority order starts active. When the
 * active one goes down, traffic moves at once to the most preferred uplink that is up (none
 * up: it stays, nothing better is known). It moves back to a more preferred uplink only once
 * that one has been up without a break for the failback hysteresis, so a flapping WiFi does
 * not drag the node back and forth (MicroLink checks every 30 s, switches after 3 failures and
 * tries failback every 120 s; the same shape, with the timings the caller picks).
 */
public final class UplinkSelector {
    /** Consecutive failed checks that make an uplink down. */
    public static final int DOWN_AFTER = 3;
    /** Consecutive good checks that make an uplink up. */
    public static final int UP_AFTER = 2;

    /** A change of the active uplink, and why. */
    public record Switch(String from, String to, String reason) {}

    private final List<String> names;
    private final long failbackNanos;
    private final Health[] health;
    private final int[] failures;
    private final int[] successes;
    private final long[] upSince;
    private int active;

    /**
     * @param names    the uplinks' interface names, most preferred first; at least one, no repeats
     * @param failbackNanos how long a more preferred uplink must stay up before traffic returns to it
     */
    public UplinkSelector(List<String> names, long failbackNanos) {
        if (names.isEmpty() || names.stream().distinct().count() != names.size()) {
            throw new IllegalArgumentException("uplinks must be distinct interface names, at least one: " + names);
        }
        this.names = List.copyOf(names);
        this.failbackNanos = failbackNanos;
        int n = names.size();
        health = new Health[n];
        Arrays.fill(health, Health.UNKNOWN);
        failures = new int[n];
        successes = new int[n];
        upSince = new long[n];
    }

    /** The uplink traffic leaves through now. */
    public synchronized String active() {
        return names.get(active);
    }

    /** Every uplink in priority order, with its health and whether it is active. */
    public synchronized List<UplinkStatus> statuses() {
        List<UplinkStatus> out = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            out.add(new UplinkStatus(names.get(i), health[i], i == active));
        }
        return out;
    }

    /**
     * Takes one check's outcome for {@code name} at {@code nowNanos}.
     *
     * @return the switch this leads to, or null when the active uplink stays
     */
    public synchronized Switch record(String name, boolean ok, long nowNanos) {
        int i = names.indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("not an uplink: " + name);
        }
        if (ok) {
            failures[i] = 0;
            successes[i]++;
            if (health[i] != Health.UP && successes[i] >= UP_AFTER) {
                health[i] = Health.UP;
                upSince[i] = nowNanos;
            }
        } else {
            successes[i] = 0;
            failures[i]++;
            if (failures[i] >= DOWN_AFTER) {
                health[i] = Health.DOWN;
            }
        }
        return choose(nowNanos);
    }

    private Switch choose(long now) {
        int best = -1;
        for (int i = 0; i < names.size() && best < 0; i++) {
            if (health[i] == Health.UP) {
                best = i;
            }
        }
        if (best < 0 || best == active) {
            return null;
        }
        if (health[active] == Health.DOWN) {
            return switchTo(best, names.get(active) + " failed " + DOWN_AFTER + " checks in a row");
        }
        if (best < active && now - upSince[best] >= failbackNanos) {
            return switchTo(best, names.get(best) + " has been up for " + (now - upSince[best]) / 1_000_000_000
                    + " s (failback)");
        }
        return null;
    }

    private Switch switchTo(int next, String reason) {
        Switch s = new Switch(names.get(active), names.get(next), reason);
        active = next;
        return s;
    }
}
