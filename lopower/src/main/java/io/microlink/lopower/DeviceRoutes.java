package io.microlink.lopower;

import io.microlink.AddressText;
import io.microlink.TailnetNode;
import io.microlink.lopower.enroll.AddressPlan;
import io.microlink.netstack.relay.RelayTarget;
import io.microlink.netstack.socket.StreamConnection;
import io.microlink.wireguard.config.IpPrefix;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A bridge's device prefixes as subnet routes of its tailnet node: once control approves them
 * (headscale: {@code nodes approve-routes}), a tailnet peer that accepts routes reaches each
 * device by the device's own address, any port, TCP, UDP and ping, as it reaches a host behind
 * a subnet router. The node advertises them and its relay, the one a subnet router uses, carries
 * what passed the tailnet's rules (judged by destination) on into the bridge's device side. Only
 * a device that is enrolled and was heard from since the bridge started is dialed; any other
 * address of the prefixes is refused at once.
 *
 * <p>Off unless asked for: it opens every port of every device to whomever the tailnet's rules
 * let reach the prefixes, where port forwards open one port each. Every bridge has the same
 * default prefixes, so two bridges advertising them would be taken by control for two routers
 * of one subnet: give each bridge that advertises its own {@code --ipv6-prefix} (and IPv4
 * prefix).
 *
 * <p>The node is built before the bridge runs, so the routes are made from the bridge's
 * directory first, then given to the node's builder and to the bridge:
 *
 * <pre>{@code
 * DeviceRoutes routes = DeviceRoutes.of(dir, null);
 * try (TailnetNode node = routes.advertiseOn(TailnetNode.builder().hostname("lopower").authKey(key)
 *              .stateDirectory(dir.resolve("node"))).build()) {
 *     node.start();
 *     try (LopowerBridge bridge = LopowerBridge.start(dir, null, node, List.of(), routes)) {
 *         ...
 *     }
 * }
 * }</pre>
 */
public final class DeviceRoutes {
    private final List<String> prefixes;
    /** The running bridge's device side; null while none runs, when everything is refused. */
    private volatile RelayTarget bridge;
    private final RelayTarget target = new RelayTarget() {
        @Override
        public StreamConnection dial(InetSocketAddress to, Duration timeout) throws IOException {
            return running().dial(to, timeout);
        }

        @Override
        public Datagrams openUdp(InetSocketAddress to, Consumer<byte[]> replies) throws IOException {
            return running().openUdp(to, replies);
        }

        @Override
        public boolean ping(InetAddress to, Duration timeout) {
            RelayTarget b = bridge;
            return b != null && b.ping(to, timeout);
        }

        @Override
        public boolean hasHost(InetAddress to) {
            RelayTarget b = bridge;
            return b != null && b.hasHost(to);
        }
    };

    private DeviceRoutes(List<String> prefixes) {
        this.prefixes = List.copyOf(prefixes);
    }

    /**
     * The device prefixes of the bridge in {@code stateDir}, setting the directory up as
     * {@link Enrollment#open} does when it is new.
     *
     * @param network the device side, or null for what the directory was set up with
     * @throws LopowerException as {@link Enrollment#open}
     */
    public static DeviceRoutes of(Path stateDir, BridgeNetwork network) throws LopowerException {
        return of(Enrollment.open(stateDir, network).plan());
    }

    static DeviceRoutes of(AddressPlan plan) {
        List<String> p = new ArrayList<>();
        p.add(text(plan.ipv6()));
        if (plan.ipv4() != null) {
            p.add(text(plan.ipv4()));
        }
        return new DeviceRoutes(p);
    }

    /** As control writes a route ({@code fd7a:115c:a1e0:9909::/64}), so it can be compared with its lists. */
    private static String text(IpPrefix prefix) {
        return AddressText.of(prefix.address()) + "/" + prefix.length();
    }

    /** The prefixes advertised: the device side's IPv6 prefix, and its IPv4 prefix when it has one. */
    public List<String> prefixes() {
        return prefixes;
    }

    /**
     * Makes {@code node} advertise the device prefixes (replacing any routes it advertised) and
     * carry what peers send to them into the bridge that is started with these routes.
     *
     * @return {@code node}
     */
    public TailnetNode.Builder advertiseOn(TailnetNode.Builder node) {
        return node.advertiseRoutes(prefixes, false).relayTarget(target);
    }

    /** What the node's relay is given. */
    RelayTarget target() {
        return target;
    }

    /** Lets the bridge's device side serve the routes; one bridge at a time. */
    synchronized void serveBy(RelayTarget deviceSide) throws LopowerException {
        if (bridge != null) {
            throw new LopowerException("these device routes are served by a running bridge already");
        }
        bridge = deviceSide;
    }

    /** The bridge stopped: peers' connections to the prefixes are refused until another serves them. */
    synchronized void stopServing() {
        bridge = null;
    }

    private RelayTarget running() throws ConnectException {
        RelayTarget b = bridge;
        if (b == null) {
            throw new ConnectException("the LOPOWER bridge is not running");
        }
        return b;
    }
}
