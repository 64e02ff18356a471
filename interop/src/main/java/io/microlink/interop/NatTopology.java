package io.microlink.interop;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A small internet in network namespaces: a "public" namespace on {@value #PUBLIC_PREFIX}.0/24
 * (TEST-NET-3, so it can never be mistaken for a real network) where headscale and its relay
 * live, NAT routers whose WAN side sits on that network or on another router's LAN (double
 * NAT), and hosts on each router's LAN. A host reaches the public namespace only through its
 * router(s): it has a default route via its router and nothing else. Every namespace, and with
 * it every rule and process inside, goes with {@link #close()} (or the {@link Reaper}).
 *
 * <pre>{@code
 * try (NatTopology net = new NatTopology()) {
 *     NatTopology.Router home = net.router("home", NatTopology.Nat.EASY);
 *     NatTopology.Router cgnat = net.router("carrier", NatTopology.Nat.EASY);
 *     NatTopology.Router behind = net.router("home2", NatTopology.Nat.HARD, cgnat);   // double NAT
 *     NatTopology.Host laptop = net.host("laptop", home), phone = net.host("phone", behind);
 *     net.exec(laptop.namespace(), "ping", "-c", "1", net.publicAddress());
 * }
 * }</pre>
 *
 * Later tests change a network under a running node with {@link Router#setWan(boolean)}
 * (link down) and {@link Router#setBlackhole(boolean)} (link up, nothing passes), or move a
 * host to another router with {@link #move}.
 */
public final class NatTopology implements AutoCloseable {
    static final String PUBLIC_PREFIX = "203.0.113";
    private static final String BRIDGE = "br0";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(10);

    /** How a router translates, in the terms of RFC 4787. */
    public enum Nat {
        /**
         * {@code MASQUERADE}: a LAN socket keeps one mapping (and its port, when free) whatever
         * it talks to, so a STUN-learned address works for every peer (endpoint-independent
         * mapping); inbound only from the address and port a LAN socket sent to (conntrack's
         * filtering, address-and-port dependent).
         */
        EASY,
        /** {@code MASQUERADE --random-fully}: a new random port for every destination (endpoint-dependent mapping). */
        HARD
    }

    /**
     * A router: its namespace, its WAN address (public or on the upstream router's LAN) and its LAN.
     *
     * @param lanPrefix the first three octets of its LAN /24; the router is {@code .1}
     */
    public record Router(NatTopology net, String label, String namespace, Nat nat, String wanInterface,
                         String wanAddress, String lanPrefix, Router upstream) {
        /** The address the public network sees this router's LAN behind. */
        public String publicAddress() {
            return upstream == null ? wanAddress : upstream.publicAddress();
        }

        public String lanGateway() {
            return lanPrefix + ".1";
        }

        /**
         * Forwards UDP {@code port} of the WAN address to the same port of {@code host}, as a user
         * sets up a static port forward: anyone may then send to it, whatever the firewall says.
         */
        public void forwardUdp(int port, Host host) {
            String p = Integer.toString(port);
            net.exec(namespace, "iptables", "-t", "nat", "-A", "PREROUTING", "-i", wanInterface, "-p", "udp",
                    "--dport", p, "-j", "DNAT", "--to-destination", host.address() + ":" + p);
            net.exec(namespace, "iptables", "-I", "FORWARD", "1", "-i", wanInterface, "-p", "udp", "-d",
                    host.address(), "--dport", p, "-j", "ACCEPT");
        }

        /** Takes the WAN link down (or up again), as an unplugged cable would. */
        public void setWan(boolean up) {
            net.exec(namespace, "ip", "link", "set", wanInterface, up ? "up" : "down");
            if (up) {
                net.defaultRoute(namespace, upstream == null ? null : upstream.lanGateway());
            }
        }

        /** Lets no UDP from the LAN out (nor, so, back in): only TCP reaches control and the relay. */
        public void blockUdp() {
            net.exec(namespace, "iptables", "-I", "FORWARD", "1", "-o", wanInterface, "-p", "udp", "-j", "DROP");
        }

        /**
         * Gives this router (on the public network) a second public address, {@code ip}, that every
         * other namespace on the public network routes to it. For a router that offers port
         * mapping: miniupnpd maps nothing on an address from a reserved block like this network's
         * TEST-NET-3, so it is told this one (see {@link Miniupnpd}). Also lets in what a mapping
         * forwards (conntrack's DNAT state), which the firewall would drop as new from the WAN.
         */
        public void addPortMappingAddress(String ip) {
            if (upstream != null) {
                throw new IllegalStateException(label + " is behind " + upstream.label() + "; only a router on the"
                        + " public network gets a second public address");
            }
            net.exec(namespace, "ip", "addr", "add", ip + "/32", "dev", wanInterface);
            net.exec(net.publicNamespace(), "ip", "route", "add", ip + "/32", "via", wanAddress);
            for (Router r : net.routersOnPublicNetwork()) {
                if (r != this) {
                    net.exec(r.namespace(), "ip", "route", "add", ip + "/32", "via", wanAddress);
                }
            }
            net.exec(namespace, "iptables", "-I", "FORWARD", "1", "-i", wanInterface, "-m", "conntrack",
                    "--ctstate", "DNAT", "-j", "ACCEPT");
        }

        /** Drops everything the router would forward, in both directions, while the links stay up. */
        public void setBlackhole(boolean on) {
            net.exec(namespace, "iptables", on ? "-I" : "-D", "FORWARD", "-j", "DROP");
        }
    }

    /** A host on a router's LAN. */
    public record Host(String label, String namespace, String address, Router router) {}

    private final NetworkNamespaces namespaces = new NetworkNamespaces();
    private final String publicNamespace;
    private final List<Router> routers = new ArrayList<>();
    private int hosts;

    /** Creates the public namespace with {@link #publicAddress()} on its bridge. */
    public NatTopology() {
        NetworkIsolation.require();
        try {
            publicNamespace = namespaces.create("public");
            bridge(publicNamespace, publicAddress() + "/24");
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The public namespace, for headscale, relays and anything "on the internet". */
    public String publicNamespace() {
        return publicNamespace;
    }

    /** The public namespace's own address, where its servers listen. */
    public String publicAddress() {
        return PUBLIC_PREFIX + ".1";
    }

    /** A router on the public network. */
    public Router router(String label, Nat nat) {
        return router(label, nat, null);
    }

    /** A router whose WAN side is on {@code upstream}'s LAN (null: on the public network). */
    public synchronized Router router(String label, Nat nat, Router upstream) {
        int n = routers.size() + 1;
        String ns = namespaces.create(label);
        String lanPrefix = "192.168." + n;
        String wanAddress;
        String wanIf;
        if (upstream == null) {
            wanAddress = PUBLIC_PREFIX + "." + (1 + n);
            wanIf = plugInto(publicNamespace, ns, wanAddress + "/24");
        } else {
            wanAddress = upstream.lanPrefix() + "." + (100 + n);
            wanIf = plugInto(upstream.namespace(), ns, wanAddress + "/24");
        }
        defaultRoute(ns, upstream == null ? null : upstream.lanGateway());
        bridge(ns, lanPrefix + ".1/24");
        exec(ns, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
        List<String> masquerade = new ArrayList<>(List.of("iptables", "-t", "nat", "-A", "POSTROUTING",
                "-o", wanIf, "-j", "MASQUERADE"));
        if (nat == Nat.HARD) {
            masquerade.add("--random-fully");
        }
        exec(ns, masquerade.toArray(String[]::new));
        // A home router's firewall: nothing new comes in from the WAN. Beyond realism this keeps
        // hole punching possible: an unsolicited packet that reached the router's own stack would
        // leave a conntrack entry on the mapped port, and the LAN host's own packet to that peer
        // would then be mapped to another port. A dropped packet leaves no entry.
        for (String chain : List.of("INPUT", "FORWARD")) {
            exec(ns, "iptables", "-A", chain, "-i", wanIf, "-m", "conntrack", "--ctstate", "NEW", "-j", "DROP");
        }
        Router r = new Router(this, label, ns, nat, wanIf, wanAddress, lanPrefix, upstream);
        routers.add(r);
        return r;
    }

    /** The routers whose WAN side is on the public network. */
    synchronized List<Router> routersOnPublicNetwork() {
        return routers.stream().filter(r -> r.upstream() == null).toList();
    }

    /** A host on {@code router}'s LAN, with a default route through it and nothing else. */
    public synchronized Host host(String label, Router router) {
        String ns = namespaces.create(label);
        String address = router.lanPrefix() + "." + (10 + ++hosts);
        plugInto(router.namespace(), ns, address + "/24");
        defaultRoute(ns, router.lanGateway());
        // A fresh bridge port can lose the first ARP exchange on a loaded machine: hand out a
        // host only once it reaches its router, so a test's first packet is not lost to that.
        Await.until(READY_TIMEOUT, label + " to reach its router", () ->
                namespaces.exec(ns, "ping", "-c", "1", "-W", "1", router.lanGateway()).succeeded());
        return new Host(label, ns, address, router);
    }

    /**
     * Gives {@code host} a second uplink onto {@code to}'s LAN beside its first, as a laptop
     * with WiFi and cellular: a new link with an address there and a default route of its own
     * through {@code to} with {@code metric} (the first default route, metric 0, stays preferred).
     * Returns once {@code to} answers through the new link.
     *
     * @return the new link's interface name inside the host
     */
    public synchronized String addUplink(Host host, Router to, int metric) {
        String address = to.lanPrefix() + "." + (10 + ++hosts);
        String ifName = plugInto(to.namespace(), host.namespace(), address + "/24");
        // Replies from the internet come in on whichever link a socket was bound to, while the route
        // back to their source goes out the first: strict reverse-path filtering would drop them.
        // Multi-homed hosts run it loose (NetworkManager's and systemd's default), and so does this one.
        exec(host.namespace(), "sysctl", "-q", "-w", "net.ipv4.conf.all.rp_filter=2");
        exec(host.namespace(), "ip", "route", "add", "default", "via", to.lanGateway(), "dev", ifName,
                "metric", Integer.toString(metric));
        Await.until(READY_TIMEOUT, host.label() + " to reach " + to.label() + " through " + ifName, () ->
                namespaces.exec(host.namespace(), "ping", "-c", "1", "-W", "1", "-I", ifName, to.lanGateway())
                        .succeeded());
        return ifName;
    }

    /**
     * Moves {@code host}'s main default route (metric 0) to {@code via}'s gateway through
     * {@code ifName}, in one netlink change, with every link and address left as it was: the
     * default route alone flips, as when a laptop's wired port takes over from its WiFi. The
     * new way is usable when this returns ({@code addUplink} proved the link answers).
     */
    public synchronized void setDefaultRoute(Host host, Router via, String ifName) {
        exec(host.namespace(), "ip", "route", "replace", "default", "via", via.lanGateway(), "dev", ifName);
    }

    /** The interface inside {@code host}'s namespace that holds its address. */
    public String interfaceOf(Host host) {
        return exec(host.namespace(), "ip", "-o", "-4", "addr", "show", "to", host.address()).stdout()
                .strip().split("\\s+")[1];
    }

    /**
     * Moves {@code host} onto {@code to}'s LAN, as a laptop leaves one network for another: a
     * new link with a new address on that LAN, then the old link (and with it the old address
     * and every route through it) goes, then the default route points at the new router.
     * Returns once the new router answers a ping: from then on the new address is usable.
     * Processes in the host's namespace keep running and see all of it happen.
     *
     * @return the host as it is now (same namespace, new address and router)
     */
    public synchronized Host move(Host host, Router to) {
        String address = to.lanPrefix() + "." + (10 + ++hosts);
        String old = interfaceOf(host);
        plugInto(to.namespace(), host.namespace(), address + "/24");
        exec(host.namespace(), "ip", "link", "del", old);
        defaultRoute(host.namespace(), to.lanGateway());
        Await.until(READY_TIMEOUT, host.label() + " to reach its new router", () ->
                namespaces.exec(host.namespace(), "ping", "-c", "1", "-W", "1", to.lanGateway()).succeeded());
        return new Host(host.label(), host.namespace(), address, to);
    }

    /** Runs a short command inside a namespace of this topology and requires it to succeed. */
    public Exec.Result exec(String ns, String... command) {
        return namespaces.exec(ns, command).requireSuccess();
    }

    /** The namespaces underneath, to start processes in them. */
    public NetworkNamespaces namespaces() {
        return namespaces;
    }

    /** A veth from {@code ns} to the bridge of {@code bridgeNs}; returns its name inside {@code ns}. */
    private String plugInto(String bridgeNs, String ns, String cidr) {
        List<String> ends = namespaces.link(ns, cidr, bridgeNs, null);
        exec(bridgeNs, "ip", "link", "set", ends.get(1), "master", BRIDGE);
        return ends.getFirst();
    }

    private void bridge(String ns, String cidr) {
        exec(ns, "ip", "link", "add", BRIDGE, "type", "bridge");
        exec(ns, "ip", "addr", "add", cidr, "dev", BRIDGE);
        exec(ns, "ip", "link", "set", BRIDGE, "up");
    }

    /** A default route via {@code gateway}; null for a router on the public network, whose /24 is all there is. */
    private void defaultRoute(String ns, String gateway) {
        if (gateway != null) {
            exec(ns, "ip", "route", "replace", "default", "via", gateway);
        }
    }

    @Override
    public void close() {
        namespaces.close();
    }
}
