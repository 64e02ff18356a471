package io.microlink.tun;

import io.microlink.wireguard.tun.HostCommand;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import io.microlink.route.Prefix;
import java.net.Inet4Address;

/**
 * TUN mode's subnet router and exit node: the kernel forwards what peers send to the advertised
 * routes (the node writes those packets to the device once the packet filter let them in), and
 * this installs the firewall rules that make that work on a host whose firewall is not open, as
 * tailscaled's {@code wgengine/router} does with its {@code ts-forward} and {@code ts-postrouting}
 * chains. Per address family, with {@code iptables} / {@code ip6tables}:
 *
 * <pre>
 * filter ml-fwd-DEV  (jumped to first from FORWARD)
 *   -i DEV -j MARK --set-mark 0x40000/0xff0000     only with masquerade: marks what came from peers
 *   -i DEV -j ACCEPT                               peers to the routes (the node's filter judged them)
 *   -o DEV -s 100.64.0.0/10 -j DROP                IPv4: no LAN host may pose as a tailnet address
 *   -o DEV -j ACCEPT                               the routes' replies back to peers
 * nat ml-nat-DEV  (jumped to first from POSTROUTING; only with masquerade)
 *   -m mark --mark 0x40000/0xff0000 -j MASQUERADE  hosts on the routes see this host's address
 * </pre>
 *
 * The mark is tailscale's subnet-route mark and bits, so rules written for tailscaled's marks
 * treat these packets alike; a mark is needed because POSTROUTING cannot match the interface
 * a packet came in on. Every start first removes what a previous run left (one killed with
 * {@code kill -9} could not remove it), so rules never pile up; {@link #close()} removes them.
 * IP forwarding itself ({@code net.ipv4.ip_forward}) is the host's setting: like tailscaled the
 * node only warns, clearly, when it is off.
 */
public final class KernelForwarding implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("io.microlink.tun");
    /** tailscale's subnet-route mark, within the bits tailscale reserves for its marks. */
    static final String MARK = "0x40000/0xff0000";
    private static final String TAILNET_IPV4 = "100.64.0.0/10";
    /** More jumps than any number of crashed runs would leave is a sign of something else: stop there. */
    private static final int MAX_STALE_JUMPS = 32;

    /** An address family's rule tool. */
    enum Family {
        IPV4("iptables", "net/ipv4/ip_forward"),
        IPV6("ip6tables", "net/ipv6/conf/all/forwarding");

        private final String tool;
        /** The forwarding switch's path under /proc/sys; with dots for slashes, its sysctl name. */
        private final String procSys;

        Family(String tool, String procSys) {
            this.tool = tool;
            this.procSys = procSys;
        }
    }

    private static final Path PROC_SYS = Path.of("/proc/sys");

    private final String dev;
    /** The families the advertised routes are in, whose forwarding must be on. */
    private final List<Family> routed;
    private final List<Family> installed;

    private KernelForwarding(String dev, List<Family> routed, List<Family> installed) {
        this.dev = dev;
        this.routed = List.copyOf(routed);
        this.installed = installed;
    }

    /**
     * Removes what a previous run left, warns if the kernel will not forward, then installs the
     * rules for each family the routes are in (none without routes: then this only cleans up).
     * A family whose rules cannot be installed (no {@code iptables}, no permission) is warned
     * about and left out; the node carries on, as forwarding may still work on a host whose
     * firewall lets it through.
     *
     * @param dev        the TUN device peers' packets come out of
     * @param masquerade whether hosts on the routes see this host's address ({@code --snat-subnet-routes})
     * @param routes     the advertised routes: their address families get rules
     */
    public static KernelForwarding enable(String dev, boolean masquerade, List<Prefix> routes) {
        List<Family> families = familiesOf(routes);
        for (String off : forwardingOff(PROC_SYS, families)) {
            LOG.log(Level.WARNING, offWarning(off));
        }
        for (Family f : Family.values()) {
            removeQuietly(f, dev); // what a killed run left, also of a family no longer routed
        }
        List<Family> done = new ArrayList<>();
        for (Family f : families) {
            try {
                install(f, dev, masquerade);
                done.add(f);
            } catch (IOException e) {
                LOG.log(Level.WARNING, "{0}: cannot install the forwarding rules with {1} ({2}); the host''s own"
                        + " firewall decides what peers reach through the advertised routes, and nothing is"
                        + " masqueraded", dev, f.tool, e.getMessage());
                removeQuietly(f, dev);
            }
        }
        if (!done.isEmpty()) {
            LOG.log(Level.INFO, "TUN mode: forwarding rules for {0} installed ({1}), masquerade {2}", dev,
                    done.stream().map(f -> f.tool).toList(), masquerade ? "on" : "off");
        }
        return new KernelForwarding(dev, families, List.copyOf(done));
    }

    /**
     * What the host lacks for forwarding now, one line each, as tailscaled's
     * {@code ip-forwarding-off} health warning: IP forwarding off for a family the routes are
     * in. Read afresh each time, so it goes once the host turns forwarding on.
     *
     * @return the warnings; empty when the kernel forwards (or nothing is advertised)
     */
    public List<String> warnings() {
        return forwardingOff(PROC_SYS, routed).stream().map(KernelForwarding::offWarning).toList();
    }

    /** The one line said when {@code sysctl} is off, in the log and in status. */
    static String offWarning(String sysctl) {
        return sysctl + " is off, so the kernel drops what peers send to this node's advertised routes (subnet "
                + "router, exit node) in TUN mode: turn it on with `sysctl -w " + sysctl + "=1` (and in "
                + "/etc/sysctl.d/ to keep it)";
    }

    static List<Family> familiesOf(List<Prefix> routes) {
        List<Family> out = new ArrayList<>();
        if (routes.stream().anyMatch(r -> r.address() instanceof Inet4Address)) {
            out.add(Family.IPV4);
        }
        if (routes.stream().anyMatch(r -> !(r.address() instanceof Inet4Address))) {
            out.add(Family.IPV6);
        }
        return out;
    }

    /** The families whose forwarding the kernel has off, by sysctl name; empty if on or unknown. */
    static List<String> forwardingOff(Path procSys, List<Family> families) {
        List<String> off = new ArrayList<>();
        for (Family f : families) {
            try {
                if (Files.readString(procSys.resolve(f.procSys)).strip().equals("0")) {
                    off.add(f.procSys.replace('/', '.'));
                }
            } catch (IOException e) {
                // Unknown (no IPv6 on this host, /proc not mounted): nothing to say about it.
            }
        }
        return List.copyOf(off);
    }

    static String forwardChain(String dev) {
        return "ml-fwd-" + dev;
    }

    static String natChain(String dev) {
        return "ml-nat-" + dev;
    }

    private static void install(Family f, String dev, boolean masquerade) throws IOException {
        String fwd = forwardChain(dev);
        run(f, "filter", "-N", fwd);
        if (masquerade) {
            run(f, "filter", "-A", fwd, "-i", dev, "-j", "MARK", "--set-mark", MARK);
        }
        run(f, "filter", "-A", fwd, "-i", dev, "-j", "ACCEPT");
        if (f == Family.IPV4) {
            run(f, "filter", "-A", fwd, "-o", dev, "-s", TAILNET_IPV4, "-j", "DROP");
        }
        run(f, "filter", "-A", fwd, "-o", dev, "-j", "ACCEPT");
        run(f, "filter", "-I", "FORWARD", "1", "-j", fwd);
        if (masquerade) {
            String nat = natChain(dev);
            run(f, "nat", "-N", nat);
            run(f, "nat", "-A", nat, "-m", "mark", "--mark", MARK, "-j", "MASQUERADE");
            run(f, "nat", "-I", "POSTROUTING", "1", "-j", nat);
        }
    }

    /** Removes this device's chains and every jump to them, whatever is there; absent ones are fine. */
    private static void removeQuietly(Family f, String dev) {
        removeChain(f, "filter", "FORWARD", forwardChain(dev));
        removeChain(f, "nat", "POSTROUTING", natChain(dev));
    }

    private static void removeChain(Family f, String table, String from, String chain) {
        for (int i = 0; i < MAX_STALE_JUMPS && succeeds(f, table, "-D", from, "-j", chain); i++) {
            // one jump fewer each time
        }
        if (succeeds(f, table, "-F", chain)) {
            succeeds(f, table, "-X", chain);
        }
    }

    private static boolean succeeds(Family f, String table, String... args) {
        try {
            run(f, table, args);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void run(Family f, String table, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(f.tool, "-w", "5", "-t", table));
        command.addAll(List.of(args));
        HostCommand.run(command);
    }

    /** Removes the rules this installed. */
    @Override
    public void close() {
        for (Family f : installed) {
            removeQuietly(f, dev);
        }
    }
}
