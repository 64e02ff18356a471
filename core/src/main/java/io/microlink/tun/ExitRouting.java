package io.microlink.tun;

import io.microlink.route.Prefix;
import io.microlink.wireguard.tun.HostCommand;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.Inet4Address;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * TUN mode's use of an exit node: the host's default routes go into the device while one is in
 * use, as tailscaled does on Linux ({@code wgengine/router}). The node's own sockets carry
 * tailscale's bypass mark ({@code io.microlink.uplink.BypassMark}), so policy routing sends them
 * by the host's own tables and the tunnel never travels through itself. Per address family:
 *
 * <pre>
 * ip rule  5210  fwmark 0x80000/0xff0000 lookup main         the node's own sockets: the host's routes
 * ip rule  5230  fwmark 0x80000/0xff0000 lookup default
 * ip rule  5250  fwmark 0x80000/0xff0000 unreachable         ... and never table 52
 * ip rule  5270  lookup 52                                   everything else
 * table 52: default dev DEV                                  into the device, to the exit node
 *           throw LAN  (each, with --exit-node-allow-lan-access)  the host's networks stay on the main table
 * </pre>
 *
 * The host's local table (priority 0) still comes first, so the host's own addresses stay local.
 * Rules and the table are the node's alone: each change removes every rule at those priorities
 * and flushes table 52 before installing, so a killed run's leftovers never pile up, and
 * {@link #close()} removes them. A host that cannot (no {@code ip rule} support, no permission)
 * is told in one WARNING, and the exit node is not used for the host's traffic.
 */
public final class ExitRouting implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("io.microlink.tun");
    /** tailscale's routing table number. */
    static final String TABLE = "52";
    /** tailscale's bypass mark and mask (must match {@code BypassMark.MARK}). */
    static final String BYPASS = "0x80000/0xff0000";
    static final List<String> PRIORITIES = List.of("5210", "5230", "5250", "5270");
    /** More rules at one priority than any number of crashed runs would leave: stop there. */
    private static final int MAX_STALE_RULES = 32;

    /**
     * How the host routes while an exit node is in use.
     *
     * @param allowLan whether the host's networks ({@code lan}) stay off the exit node
     * @param lan      the host's networks
     */
    public record Use(boolean allowLan, List<Prefix> lan) {
        public Use {
            lan = allowLan ? List.copyOf(lan) : List.of();
        }
    }

    private final String dev;
    private final boolean ipv6;
    private Use current; // guarded by this; null while the host's routes are its own

    /**
     * Removes what a previous run left (rules at the priorities above, table 52), then starts with
     * the host's routes as they are.
     *
     * @param dev  the TUN device
     * @param ipv6 whether the device carries IPv6 (else only IPv4 goes to the exit node)
     */
    public static ExitRouting start(String dev, boolean ipv6) {
        ExitRouting r = new ExitRouting(dev, ipv6);
        r.removeAll();
        return r;
    }

    private ExitRouting(String dev, boolean ipv6) {
        this.dev = dev;
        this.ipv6 = ipv6;
    }

    /**
     * Routes the host as {@code use} says, or gives it its own routes back ({@code null}: no exit
     * node in use now). Nothing happens when that is already so.
     *
     * @param use           how, or null for no exit node
     * @param bypassWorking whether the node's own sockets are marked; without that, routing the host
     *                      into the device would route the node into itself, so nothing is installed
     */
    public synchronized void follow(Use use, boolean bypassWorking) {
        if (Objects.equals(use, current)) {
            return;
        }
        removeAll();
        current = null;
        if (use == null) {
            LOG.log(Level.INFO, "TUN mode: no exit node now, the host''s routes are its own again");
            return;
        }
        if (!bypassWorking) {
            LOG.log(Level.WARNING, "TUN mode: the exit node is not used for this host''s traffic: the node''s own "
                    + "sockets cannot be marked to bypass {0}", dev);
            current = use; // said once for this setting
            return;
        }
        for (boolean v6 : ipv6 ? List.of(false, true) : List.of(false)) {
            try {
                for (List<String> command : install(dev, v6, use)) {
                    HostCommand.run(command);
                }
            } catch (IOException e) {
                LOG.log(Level.WARNING, "TUN mode: cannot route {0} traffic to the exit node ({1}): the host needs "
                        + "policy routing (`ip rule`) and CAP_NET_ADMIN; that traffic keeps the host''s routes",
                        v6 ? "IPv6" : "IPv4", e.getMessage());
                removeFamily(v6);
                continue;
            }
            LOG.log(Level.INFO, "TUN mode: {0} default route into {1} (table {2}), LAN {3}", v6 ? "IPv6" : "IPv4",
                    dev, TABLE, use.allowLan() ? "kept local" : "through the exit node too");
        }
        current = use;
    }

    /** The commands that route one family into {@code dev} as {@code use} says, rules last. */
    static List<List<String>> install(String dev, boolean v6, Use use) {
        String family = v6 ? "-6" : "-4";
        List<List<String>> out = new ArrayList<>();
        out.add(List.of("ip", family, "route", "replace", "default", "dev", dev, "table", TABLE));
        for (Prefix p : use.lan()) {
            if ((p.address() instanceof Inet4Address) != v6) {
                out.add(List.of("ip", family, "route", "replace", "throw", p.toString(), "table", TABLE));
            }
        }
        out.add(List.of("ip", family, "rule", "add", "priority", PRIORITIES.get(0), "fwmark", BYPASS, "table", "main"));
        out.add(List.of("ip", family, "rule", "add", "priority", PRIORITIES.get(1), "fwmark", BYPASS, "table", "default"));
        out.add(List.of("ip", family, "rule", "add", "priority", PRIORITIES.get(2), "fwmark", BYPASS, "unreachable"));
        out.add(List.of("ip", family, "rule", "add", "priority", PRIORITIES.get(3), "table", TABLE));
        return out;
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

    private void removeAll() {
        removeFamily(false);
        removeFamily(true); // also where the device now has no IPv6: a previous run may have had it
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
        if (current != null) {
            removeAll();
            current = null;
        }
    }
}
