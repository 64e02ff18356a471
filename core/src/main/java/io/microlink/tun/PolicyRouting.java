package io.microlink.tun;

import io.microlink.route.Prefix;
import io.microlink.wireguard.tun.HostCommand;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.Inet4Address;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.SequencedSet;

/**
 * TUN mode's routes into the device for what peers carry beyond the tailnet's own addresses: an
 * exit node's default routes and the subnet routes the node accepts, in tailscale's table 52, as
 * tailscaled does on Linux ({@code wgengine/router}). The node's own sockets carry tailscale's
 * bypass mark ({@code io.microlink.uplink.BypassMark}), so policy routing sends them by the host's
 * own tables and the tunnel never travels through itself. Per address family, while table 52 has
 * anything of that family:
 *
 * <pre>
 * ip rule  5210  fwmark 0x80000/0xff0000 lookup main         the node's own sockets: the host's routes
 * ip rule  5230  fwmark 0x80000/0xff0000 lookup default
 * ip rule  5250  fwmark 0x80000/0xff0000 unreachable         ... and never table 52
 * ip rule  5270  lookup 52                                   everything else
 * table 52: default dev DEV            with an exit node: into the device, to the exit node
 *           SUBNET dev DEV             each accepted subnet route: to the peer that is its primary router
 *           throw NET                  the host's networks that stay on the main table (below)
 * </pre>
 *
 * A host network is thrown back to the main table when the exit node is used with LAN access,
 * and when it lies inside an accepted subnet route; a subnet route that is one of the host's
 * networks or lies inside one gets no route (the host is on it), nor does one inside the
 * tailnet's ranges (the device's own routes in the main table carry those, 4via6 ones included).
 * The host's local table (priority 0) still comes first, so the host's own addresses stay local.
 *
 * <p>Rules and the table are the node's alone: {@link #start} removes every rule at those
 * priorities and flushes table 52, so a killed run's leftovers never pile up, and {@link #close()}
 * removes them. Changes go route by route, so a subnet route coming or going never takes the
 * others away for a moment. A host that cannot (no {@code ip rule} support, no permission) is
 * told in one WARNING per change, and keeps its own routes.
 *
 * <pre>{@code
 * PolicyRouting routing = PolicyRouting.start("tailscale0", true);
 * routing.follow(new PolicyRouting.Use(false, false, List.of(subnet), hostNetworks), BypassMark.working());
 * }</pre>
 */
public final class PolicyRouting implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("io.microlink.tun");
    /** tailscale's routing table number. */
    static final String TABLE = "52";
    /** tailscale's bypass mark and mask (must match {@code BypassMark.MARK}). */
    static final String BYPASS = "0x80000/0xff0000";
    static final List<String> PRIORITIES = List.of("5210", "5230", "5250", "5270");
    /** More rules at one priority than any number of crashed runs would leave: stop there. */
    private static final int MAX_STALE_RULES = 32;
    private static final List<Prefix> TAILNET = List.of(Prefix.parse("100.64.0.0/10").orElseThrow(),
            Prefix.parse("fd7a:115c:a1e0::/48").orElseThrow());

    /**
     * What the host routes into the device.
     *
     * @param exitNode     whether an exit node is in use: the default routes go into the device
     * @param allowLan     with the exit node, whether the host's networks stay off it
     * @param subnetRoutes the peers' subnet routes the node accepts (their primary routes)
     * @param hostNetworks the networks of the host's interfaces
     */
    public record Use(boolean exitNode, boolean allowLan, List<Prefix> subnetRoutes, List<Prefix> hostNetworks) {
        /** Nothing into the device beyond the tailnet's own ranges: no rules, table 52 empty. */
        public static final Use NONE = new Use(false, false, List.of(), List.of());

        public Use {
            allowLan = exitNode && allowLan;
            subnetRoutes = List.copyOf(subnetRoutes);
            hostNetworks = List.copyOf(hostNetworks);
        }
    }

    /**
     * One route of table 52.
     *
     * @param prefix    where to
     * @param throwBack whether it sends the lookup back to the main table instead of into the device
     */
    record Route(Prefix prefix, boolean throwBack) {
        boolean v6() {
            return !(prefix.address() instanceof Inet4Address);
        }

        @Override
        public String toString() {
            return (throwBack ? "throw " : "") + prefix;
        }

        /** The words after {@code ip -4 route ACTION}. */
        List<String> words(String dev) {
            String to = prefix.isDefault() ? "default" : prefix.toString();
            return throwBack ? List.of("throw", to, "table", TABLE) : List.of(to, "dev", dev, "table", TABLE);
        }
    }

    private final String dev;
    private final boolean ipv6;
    private Use current = Use.NONE; // guarded by this
    /** Table 52's routes now, by family (IPv4 first); a family with none has no rules either. */
    private final List<SequencedSet<Route>> installed = List.of(new LinkedHashSet<>(), new LinkedHashSet<>());

    /**
     * Removes what a previous run left (rules at the priorities above, table 52), then starts with
     * the host's routes as they are.
     *
     * @param dev  the TUN device
     * @param ipv6 whether the device carries IPv6 (else only IPv4 is routed into it)
     */
    public static PolicyRouting start(String dev, boolean ipv6) {
        PolicyRouting r = new PolicyRouting(dev, ipv6);
        removeFamily(false);
        removeFamily(true); // also where the device now has no IPv6: a previous run may have had it
        return r;
    }

    private PolicyRouting(String dev, boolean ipv6) {
        this.dev = dev;
        this.ipv6 = ipv6;
    }

    /**
     * Routes the host as {@code use} says; {@link Use#NONE} gives it its own routes back. Nothing
     * happens when that is already so.
     *
     * @param use           what goes into the device
     * @param bypassWorking whether the node's own sockets are marked; without that, routing the host
     *                      into the device could route the node into itself, so nothing is installed
     */
    public synchronized void follow(Use use, boolean bypassWorking) {
        if (use.equals(current)) {
            return;
        }
        current = use;
        List<Route> wanted = routes(use);
        if (!wanted.isEmpty() && !bypassWorking) {
            LOG.log(Level.WARNING, "TUN mode: peers'' routes (exit node, subnet routes) are not used for this host''s "
                    + "traffic: the node''s own sockets cannot be marked to bypass {0}", dev);
            wanted = List.of();
        }
        for (boolean v6 : List.of(false, true)) {
            List<Route> family = v6 && !ipv6 ? List.of() : wanted.stream().filter(r -> r.v6() == v6).toList();
            try {
                change(v6, family);
            } catch (IOException e) {
                LOG.log(Level.WARNING, "TUN mode: cannot route {0} traffic into {1} for peers'' routes ({2}): the host "
                        + "needs policy routing (`ip rule`) and CAP_NET_ADMIN; that traffic keeps the host''s routes",
                        v6 ? "IPv6" : "IPv4", dev, e.getMessage());
                removeFamily(v6);
                installed.get(v6 ? 1 : 0).clear();
            }
        }
    }

    /** Brings one family's table 52 and rules from what is installed to {@code wanted}. */
    private void change(boolean v6, List<Route> wanted) throws IOException {
        SequencedSet<Route> now = installed.get(v6 ? 1 : 0);
        if (wanted.isEmpty()) {
            if (!now.isEmpty()) {
                removeFamily(v6);
                now.clear();
                LOG.log(Level.INFO, "TUN mode: no {0} routes into {1} now, the host''s routes are its own again",
                        v6 ? "IPv6" : "IPv4", dev);
            }
            return;
        }
        List<List<String>> commands = changes(dev, v6, now, wanted);
        for (List<String> command : commands) {
            HostCommand.run(command);
        }
        now.clear();
        now.addAll(wanted);
        if (!commands.isEmpty()) {
            LOG.log(Level.INFO, "TUN mode: {0} into {1} by table {2}: {3}", v6 ? "IPv6" : "IPv4", dev, TABLE,
                    String.join(", ", wanted.stream().map(Route::toString).toList()));
        }
    }

    /**
     * What table 52 holds for {@code use}, both families: the exit node's default routes, the
     * accepted subnet routes, the host networks thrown back to the main table.
     */
    static List<Route> routes(Use use) {
        SequencedSet<Route> out = new LinkedHashSet<>();
        if (use.exitNode()) {
            out.add(new Route(Prefix.parse("0.0.0.0/0").orElseThrow(), false));
            out.add(new Route(Prefix.parse("::/0").orElseThrow(), false));
        }
        List<Prefix> hostNetworks = use.hostNetworks().stream().filter(n -> !inTailnet(n)).toList();
        if (use.allowLan()) {
            hostNetworks.forEach(n -> out.add(new Route(n, true)));
        }
        for (Prefix subnet : use.subnetRoutes()) {
            if (subnet.isDefault() || inTailnet(subnet) || hostNetworks.stream().anyMatch(n -> n.covers(subnet))) {
                continue;
            }
            out.add(new Route(subnet, false));
            hostNetworks.stream().filter(subnet::covers).forEach(n -> out.add(new Route(n, true)));
        }
        return List.copyOf(out);
    }

    private static boolean inTailnet(Prefix p) {
        return TAILNET.stream().anyMatch(t -> t.covers(p));
    }

    /**
     * The commands that take one family's table 52 from {@code now} to {@code wanted} (not empty):
     * new routes in, then the rules if there were none, then the old routes out.
     */
    static List<List<String>> changes(String dev, boolean v6, SequencedSet<Route> now, List<Route> wanted) {
        String family = v6 ? "-6" : "-4";
        List<List<String>> out = new ArrayList<>();
        for (Route r : wanted) {
            if (!now.contains(r)) {
                out.add(command(List.of("ip", family, "route", "replace"), r.words(dev)));
            }
        }
        if (now.isEmpty()) { // the table filled before the rule that sends traffic to it
            out.add(List.of("ip", family, "rule", "add", "priority", PRIORITIES.get(0), "fwmark", BYPASS, "table", "main"));
            out.add(List.of("ip", family, "rule", "add", "priority", PRIORITIES.get(1), "fwmark", BYPASS, "table", "default"));
            out.add(List.of("ip", family, "rule", "add", "priority", PRIORITIES.get(2), "fwmark", BYPASS, "unreachable"));
            out.add(List.of("ip", family, "rule", "add", "priority", PRIORITIES.get(3), "table", TABLE));
        }
        for (Route r : now) {
            // One replaced by a route of another kind for the same prefix is gone already.
            if (wanted.stream().noneMatch(w -> w.prefix().equals(r.prefix()))) {
                out.add(command(List.of("ip", family, "route", "del"), r.words(dev)));
            }
        }
        return out;
    }

    private static List<String> command(List<String> head, List<String> tail) {
        List<String> c = new ArrayList<>(head);
        c.addAll(tail);
        return c;
    }

    /** The commands that take one family's rules and table away; each may fail when there is nothing to remove. */
    static List<List<String>> remove(boolean v6) {
        String family = v6 ? "-6" : "-4";
        List<List<String>> out = new ArrayList<>();
        for (String priority : PRIORITIES.reversed()) { // table 52's rule first: nothing goes to a half-removed table
            out.add(List.of("ip", family, "rule", "del", "priority", priority));
        }
        out.add(List.of("ip", family, "route", "flush", "table", TABLE));
        return out;
    }

    private static void removeFamily(boolean v6) {
        for (List<String> command : remove(v6)) {
            boolean rule = command.contains("rule");
            for (int i = 0; i < (rule ? MAX_STALE_RULES : 1) && succeeds(command); i++) {
                // one stale rule fewer each time
            }
        }
    }

    private static boolean succeeds(List<String> command) {
        try {
            HostCommand.run(command);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Gives the host its own routes back. */
    @Override
    public synchronized void close() {
        for (boolean v6 : List.of(false, true)) {
            SequencedSet<Route> now = installed.get(v6 ? 1 : 0);
            if (!now.isEmpty()) {
                removeFamily(v6);
                now.clear();
            }
        }
        current = Use.NONE;
    }
}
