package io.microlink.lopower;

import io.microlink.AddressText;
import io.microlink.TailnetNode;
import io.microlink.dns.MagicDnsServer;
import io.microlink.dns.NodeDns;
import io.microlink.lopower.bridge.BridgeDataplane;
import io.microlink.lopower.bridge.DeviceDns;
import io.microlink.lopower.bridge.Uplink;
import io.microlink.lopower.enroll.AddressPlan;
import io.microlink.lopower.enroll.Registry;
import io.microlink.netstack.DroppedInput;
import io.microlink.netstack.ip.IpPacket;
import io.microlink.netstack.socket.Netstack;
import io.microlink.netstack.socket.TailnetDatagramSocket;
import io.microlink.netstack.socket.TailnetServerSocket;
import io.microlink.netstack.socket.TailnetSocket;
import io.microlink.netstack.udp.UdpDatagram;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * A running LOPOWER bridge: plain-WireGuard devices enrolled in its state directory reach the
 * tailnet through {@code node}, the bridge's own tailnet node, and appear there as that node
 * (its ACLs apply to them). Each device's TCP connections and UDP flows end in a userspace
 * stack on the bridge and go on as the node's own connections to the address the device asked
 * for; a device reaches tailnet addresses and the bridge, nothing else. The other way, a
 * {@link Enrollment#forward port forward} carries tailnet peers' connections to a port of the
 * bridge's node on to a port of one device; with {@link DeviceRoutes} peers reach each device
 * by its own address, any port, through the node's subnet routes. The bridge's device-side addresses answer DNS
 * over UDP and TCP: the node's MagicDNS names (IPv6 addresses only when the device side has no
 * IPv4), other names forwarded as the node's own 100.100.100.100 forwards them.
 *
 * <p>Devices enrolled or removed with {@link Enrollment} on the same directory, here or from
 * another process, take effect within {@value #WATCH_MILLIS} ms: a removed device's peer,
 * sessions, connections and flows are gone then.
 *
 * <pre>{@code
 * try (TailnetNode node = TailnetNode.builder().hostname("lopower").authKey(key)
 *              .stateDirectory(dir.resolve("node")).build()) {
 *     node.start();
 *     try (LopowerBridge bridge = LopowerBridge.start(dir, null, node)) {
 *         bridge.enrollment().add("sensor-1", null, null, 25);
 *         Thread.sleep(Long.MAX_VALUE);
 *     }
 * }
 * }</pre>
 */
public final class LopowerBridge implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(LopowerBridge.class.getName());
    static final long WATCH_MILLIS = 500;

    private final Enrollment enrollment;
    private final BridgeDataplane dataplane;
    private final DroppedInput watchFailures = new DroppedInput(LOG, "registry check");
    private final Thread watcher;
    private volatile boolean running = true;
    private Registry synced;

    /** The routes this bridge serves, or null when it advertises none. */
    private final DeviceRoutes routes;

    private LopowerBridge(Enrollment enrollment, BridgeDataplane dataplane, DeviceRoutes routes)
            throws LopowerException {
        this.enrollment = enrollment;
        this.dataplane = dataplane;
        follow();
        if (routes != null) {
            if (!routes.prefixes().equals(DeviceRoutes.of(enrollment.plan()).prefixes())) {
                throw new LopowerException("the device routes " + routes.prefixes() + " are not this bridge's "
                        + DeviceRoutes.of(enrollment.plan()).prefixes() + ": make them from the same directory");
            }
            routes.serveBy(dataplane.deviceRoutes());
        }
        this.routes = routes;
        this.watcher = Thread.ofVirtual().name("lopower-registry").start(this::watch);
    }

    /**
     * Starts the bridge on the devices enrolled in {@code stateDir}, carrying them over
     * {@code node} (started by the caller, in userspace mode).
     *
     * @param network the device side, or null for what the directory was set up with
     * @throws LopowerException when the directory was set up otherwise, its registry is
     *                          broken, or the WireGuard port is in use
     */
    public static LopowerBridge start(Path stateDir, BridgeNetwork network, TailnetNode node) throws LopowerException {
        return start(stateDir, network, node, List.of());
    }

    /**
     * Starts the bridge as {@link #start(Path, BridgeNetwork, TailnetNode)} does, with the
     * devices' names that the tailnet's DNS config sends nowhere forwarded to {@code dnsUpstreams}.
     *
     * @param dnsUpstreams resolvers for names that are neither the tailnet's nor routed by its
     *                     DNS config (its {@code Resolvers} come first), as {@code up --dns-upstream}
     * @throws LopowerException as {@link #start(Path, BridgeNetwork, TailnetNode)}
     */
    public static LopowerBridge start(Path stateDir, BridgeNetwork network, TailnetNode node,
                                      List<InetSocketAddress> dnsUpstreams) throws LopowerException {
        return start(stateDir, network, node, dnsUpstreams, null);
    }

    /**
     * Starts the bridge as {@link #start(Path, BridgeNetwork, TailnetNode, List)} does, serving
     * {@code routes}: tailnet peers reach each device by its own address through {@code node},
     * which must have been built with {@link DeviceRoutes#advertiseOn} of the same routes.
     *
     * @param routes the device routes of {@code stateDir} ({@link DeviceRoutes#of}), or null for none
     * @throws LopowerException as {@link #start(Path, BridgeNetwork, TailnetNode)}, or when
     *                          {@code routes} are another directory's or served by a running bridge
     */
    public static LopowerBridge start(Path stateDir, BridgeNetwork network, TailnetNode node,
                                      List<InetSocketAddress> dnsUpstreams, DeviceRoutes routes)
            throws LopowerException {
        List<InetSocketAddress> upstreams = List.copyOf(dnsUpstreams);
        return start(stateDir, network, new Uplink() {
            @Override
            public TailnetSocket dial(InetAddress address, int port, Duration timeout) throws IOException {
                return node.dial(AddressText.of(address), port, timeout);
            }

            @Override
            public TailnetDatagramSocket bindUdp(int port) throws IOException {
                return node.bindUdp(port);
            }

            @Override
            public Duration icmpPing(InetAddress address, Duration timeout) throws IOException, TimeoutException {
                return node.icmpPing(AddressText.of(address), timeout);
            }

            @Override
            public TailnetServerSocket listen(int port) throws IOException {
                return node.listen(port);
            }
        }, BridgeDataplane.UDP_IDLE, plan -> deviceDns(NodeDns.server(node, plan.ipv4() != null, upstreams,
                Set.copyOf(plan.bridgeAddresses()))), routes);
    }

    private static DeviceDns deviceDns(MagicDnsServer server) {
        return new DeviceDns() {
            @Override
            public void handle(Netstack stack, IpPacket packet, UdpDatagram datagram) {
                server.handle(stack, packet, datagram);
            }

            @Override
            public void serveTcp(Netstack stack) throws IOException {
                server.serveTcp(stack);
            }
        };
    }

    /**
     * @param dns    the DNS server for the device side as the directory's address plan has it
     * @param routes the device routes to serve, or null for none
     */
    static LopowerBridge start(Path stateDir, BridgeNetwork network, Uplink uplink, Duration udpIdle,
                               Function<AddressPlan, DeviceDns> dns, DeviceRoutes routes) throws LopowerException {
        Enrollment e = Enrollment.open(stateDir, network);
        BridgeDataplane d = BridgeDataplane.start(Enrollment.privateKey(e.registry()), e.plan(), e.network().port(),
                uplink, udpIdle, dns.apply(e.plan()));
        try {
            return new LopowerBridge(e, d, routes);
        } catch (LopowerException | RuntimeException ex) {
            d.close();
            throw ex;
        }
    }

    /** The devices of this bridge: enroll and remove here or with another {@link Enrollment} on the directory. */
    public Enrollment enrollment() {
        return enrollment;
    }

    /** The bridge's WireGuard UDP port. */
    public int port() {
        return dataplane.port();
    }

    /** What the bridge refused and did: WireGuard's drops (unknown keys, spoofed sources) and its own. */
    public Map<String, Long> counters() {
        return dataplane.counters();
    }

    /**
     * What each enrolled device did since the bridge started, by name: its last handshake, its
     * traffic, whether it is online (a device enrolled within the last half second may be missing:
     * take {@link DeviceActivity#NONE} for it).
     */
    public Map<String, DeviceActivity> activity() {
        return dataplane.activity();
    }

    BridgeDataplane dataplane() {
        return dataplane;
    }

    private void watch() {
        while (running) {
            try {
                Thread.sleep(WATCH_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            try {
                follow();
                dataplane.tick();
            } catch (LopowerException | RuntimeException e) {
                // A broken or vanished registry keeps the devices as they were until it is fixed.
                watchFailures.record(e);
            }
        }
    }

    /** Applies the registry's devices if they changed. */
    private synchronized void follow() throws LopowerException {
        Registry r = enrollment.registry();
        if (synced == null || !r.devices().equals(synced.devices()) || !r.forwards().equals(synced.forwards())) {
            dataplane.sync(r.devices(), r.forwards());
            if (synced != null) {
                LOG.log(System.Logger.Level.INFO, "lopower: {0} devices enrolled, {1} ports forwarded",
                        r.devices().size(), r.forwards().size());
            }
            synced = r;
        }
    }

    @Override
    public void close() {
        running = false;
        watcher.interrupt();
        if (routes != null) {
            routes.stopServing();
        }
        dataplane.close();
    }
}
