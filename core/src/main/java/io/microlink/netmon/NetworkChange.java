package io.microlink.netmon;

import java.net.InetAddress;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

/**
 * The network changed under the node: the state before and after (after a burst of changes,
 * the state once it settled), or the clock jumped, which is how a suspend and resume shows.
 *
 * @param before     the state last reported
 * @param after      the state now
 * @param timeJumped the wall clock moved apart from the monotonic one (a suspend, or a clock step)
 */
public record NetworkChange(NetworkState before, NetworkState after, boolean timeJumped) {
    public NetworkChange {
        Objects.requireNonNull(before, "before");
        Objects.requireNonNull(after, "after");
    }

    /** Addresses a peer could reach us at before that are gone now. */
    public Set<InetAddress> vanished() {
        Set<InetAddress> gone = new HashSet<>(before.usableAddresses());
        gone.removeAll(after.usableAddresses());
        return gone;
    }

    /** Addresses a peer could reach us at now that were not there before. */
    public Set<InetAddress> appeared() {
        Set<InetAddress> added = new HashSet<>(after.usableAddresses());
        added.removeAll(before.usableAddresses());
        return added;
    }

    /** Whether traffic to the internet now leaves another way (another device or gateway, or none). */
    public boolean defaultRouteChanged() {
        return !Objects.equals(before.defaultV4(), after.defaultV4())
                || !Objects.equals(before.defaultV6(), after.defaultV6());
    }

    /** A short account for the log: what vanished, appeared and moved. */
    public String describe() {
        StringBuilder s = new StringBuilder();
        if (timeJumped) {
            s.append("clock jumped (suspend?); ");
        }
        if (!vanished().isEmpty()) {
            s.append("gone ").append(vanished()).append("; ");
        }
        if (!appeared().isEmpty()) {
            s.append("new ").append(appeared()).append("; ");
        }
        if (defaultRouteChanged()) {
            s.append("default route ").append(route(after.defaultV4())).append(" / ").append(route(after.defaultV6()))
                    .append("; ");
        }
        return s.isEmpty() ? "interfaces changed" : s.substring(0, s.length() - 2);
    }

    private static String route(NetworkState.Route r) {
        return r == null ? "none" : r.device() + (r.gateway().isEmpty() ? "" : " via " + r.gateway());
    }
}
