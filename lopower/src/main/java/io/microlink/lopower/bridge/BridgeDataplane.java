package io.microlink.lopower.bridge;

import io.microlink.lopower.DeviceActivity;
import io.microlink.lopower.LopowerException;
import io.microlink.lopower.enroll.AddressPlan;
import io.microlink.lopower.enroll.DeviceRecord;
import io.microlink.lopower.enroll.ForwardRecord;
import io.microlink.netstack.Headroom;
import io.microlink.netstack.relay.RelayLimits;
import io.microlink.netstack.relay.RelayService;
import io.microlink.netstack.relay.RelayTarget;
import io.microlink.netstack.socket.Netstack;
import io.microlink.netstack.tcp.TcpConfig;
import io.microlink.wireguard.WireGuardDevice;
import io.microlink.wireguard.session.Counters;
import io.microlink.wireguard.session.Engine;
import io.microlink.wireguard.session.EngineSettings;
import io.microlink.wireguard.session.TimeSource;
import io.microlink.wireguard.udp.UdpBatchSocket;
import java.io.IOException;
import java.net.BindException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The bridge's device side, wired: its own WireGuard server (our engine on one UDP port, one
 * peer per device), a userspace stack that terminates every device connection and flow
 * (accepting any destination that {@link Containment} lets through), and netstack's
 * {@link RelayService} that carries them on over the {@link Uplink} ({@link UplinkTarget}), with
 * the devices as its owners.
 *
 * <pre>
 *  device ──WireGuard/UDP──▶ Engine ─▶ StackTun ─▶ Containment ─▶ Netstack ─┬▶ RelayService ─▶ UplinkTarget ─▶ Uplink
 *                                                                          │  (TCP: dial, UDP: bindUdp, ping: icmpPing)
 *                                                                          └▶ DeviceDns (bridge addresses, port 53)
 *  device ◀── ... ◀── Netstack.connect ◀── ForwardTable ◀── Uplink.listen (TCP port forwards, tailnet to device)
 *  device ◀── ... ◀── Netstack.bindUdp ◀── UdpForward ◀── Uplink.bindUdp (UDP port forwards, a flow per sender)
 *  device ◀── ... ◀── Netstack connect/bindUdp/ping ◀── DeviceTarget ◀── the node's relay (device routes, any port)
 * </pre>
 */
public final class BridgeDataplane implements AutoCloseable {
    /** TCP connections one device may hold through the bridge at once. */
    public static final int TCP_PER_DEVICE = 256;
    /** UDP flows one device may hold at once. */
    public static final int UDP_FLOWS_PER_DEVICE = 256;
    /**
     * Connections one device address may hold in their handshake (SYN answered, ACK not yet
     * come) of the stack's {@code maxHalfOpen}: a device that floods SYNs and ignores the
     * answers fills its own share, not the slots of the other devices.
     */
    public static final int HALF_OPEN_PER_ADDRESS = 16;
    /** A UDP flow with no datagram either way for this long is closed. */
    public static final Duration UDP_IDLE = Duration.ofSeconds(60);
    /** As tailscale's LOPOWER waits for its tailnet dial; a port forward's dial to a device waits as long. */
    static final Duration DIAL_TIMEOUT = Duration.ofSeconds(10);
    /**
     * The relay's counters shown under the bridge's names: a device past its limit is one
     * {@code refused_device_limit}, whether TCP or UDP, as the port forwards count it.
     */
    private static final Map<String, String> RELAY_COUNTER_NAMES = Map.of(
            "refused_tcp_limit", "refused_device_limit", "refused_udp_limit", "refused_device_limit");
    private static final int SOCKET_BUFFER = 4 << 20;
    private static final int DNS_PORT = 53;

    private final Engine engine;
    private final BridgeCounters counters = new BridgeCounters();
    private final StackTun tun;
    private final Netstack stack;
    private final DeviceTable devices;
    private final RelayService relay;
    private final DeviceTarget routed;
    private final ForwardTable forwards;
    private final WireGuardDevice wireguard;

    private BridgeDataplane(byte[] privateKey, AddressPlan plan, UdpBatchSocket socket, Uplink uplink, Duration udpIdle,
                            DeviceDns dns) throws IOException {
        engine = new Engine(privateKey, EngineSettings.DEFAULT.withMaxSessions(AddressPlan.MAX_DEVICES),
                TimeSource.system());
        tun = new StackTun(new Containment(plan, counters), counters);
        // The stack frames nothing in place for WireGuard: StackTun queues a copy of each packet.
        stack = new Netstack(TcpConfig.defaults(), tun, Headroom.NONE);
        stack.setAddresses(plan.bridgeAddresses());
        devices = new DeviceTable(engine, plan, this::deviceRemoved);
        RelayLimits shared = RelayLimits.DEFAULTS;
        // Totals no lower than every device at its own limit: a device's share is the bound that matters.
        relay = RelayService.start(stack, devices::nameOf, new UplinkTarget(uplink, counters),
                new RelayLimits(TCP_PER_DEVICE, TCP_PER_DEVICE * AddressPlan.MAX_DEVICES, HALF_OPEN_PER_ADDRESS,
                        UDP_FLOWS_PER_DEVICE, UDP_FLOWS_PER_DEVICE * AddressPlan.MAX_DEVICES, udpIdle,
                        shared.pingsInFlight(), DIAL_TIMEOUT, shared.pingTimeout(), shared.tcpIdle()));
        forwards = new ForwardTable(uplink, stack, plan, counters, TCP_PER_DEVICE, udpIdle);
        routed = new DeviceTarget(stack, devices, plan, counters, TCP_PER_DEVICE);
        // The addresses wg-quick's DNS line names; a device's queries never leave as its own UDP flows.
        plan.bridgeAddresses().forEach(a -> stack.addUdpService(a, DNS_PORT, dns));
        dns.serveTcp(stack);
        tun.attach(stack);
        wireguard = WireGuardDevice.run(engine, tun, socket);
    }

    /**
     * Binds the WireGuard port and starts the device side.
     *
     * @param dns answers the devices' DNS queries to the bridge's addresses, port 53, UDP and TCP
     * @throws LopowerException when the port is in use
     */
    public static BridgeDataplane start(byte[] privateKey, AddressPlan plan, int port, Uplink uplink, Duration udpIdle,
                                        DeviceDns dns) throws LopowerException {
        UdpBatchSocket socket;
        try {
            socket = UdpBatchSocket.open(port, SOCKET_BUFFER);
        } catch (BindException e) {
            throw new LopowerException("UDP port " + port + " is in use: stop what holds it or give another port"
                    + " (every device's configuration names the port, so they would need new ones)");
        } catch (IOException e) {
            throw new LopowerException("cannot open the WireGuard port " + port + ": " + e.getMessage());
        }
        try {
            return new BridgeDataplane(privateKey, plan, socket, uplink, udpIdle, dns);
        } catch (IOException e) {
            socket.close();
            throw new LopowerException("cannot start the bridge's device side: " + e.getMessage());
        } catch (RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** Makes the WireGuard peers match the enrolled devices, and the listeners the port forwards. */
    public void sync(List<DeviceRecord> enrolled, List<ForwardRecord> forwarded) {
        devices.sync(enrolled);
        forwards.sync(enrolled, forwarded);
    }

    /** Runs the bridge's own timers: idle forwarded UDP flows are closed (the relay's own timer closes the devices'). */
    public void tick() {
        forwards.expireIdle();
    }

    public int port() {
        return wireguard.listenPort();
    }

    /**
     * What the WireGuard engine, the bridge and its relay dropped or did, by name, non-zero only;
     * the bridge's and the relay's counts of the same thing (a dial that failed either way) are summed.
     */
    public Map<String, Long> counters() {
        Map<String, Long> out = new LinkedHashMap<>(engine.counters().snapshot());
        out.putAll(counters.snapshot());
        relay.counters().forEach((name, n) -> out.merge(RELAY_COUNTER_NAMES.getOrDefault(name, name), n, Long::sum));
        return out;
    }

    /** One count, the relay's included, for tests and status. */
    public long count(BridgeCounters.Event e) {
        return counters().getOrDefault(e.name().toLowerCase(Locale.ROOT), 0L);
    }

    /** The WireGuard engine's count of {@code e}. */
    public long count(Counters.Event e) {
        return engine.counters().get(e);
    }

    /** Each enrolled device's WireGuard activity, by name. */
    public Map<String, DeviceActivity> activity() {
        return devices.activity();
    }

    /** TCP connections and UDP flows {@code device} holds through the bridge now (UDP forwards' flows included). */
    public int relayed(String device) {
        return relay.relayed(device) + forwards.udpFlows(device);
    }

    /**
     * Where the bridge's node carries what tailnet peers send to the device prefixes it
     * advertises: into this device-side stack, to enrolled devices that were heard from.
     */
    public RelayTarget deviceRoutes() {
        return routed;
    }

    /** TCP connections and UDP flows tailnet peers hold to {@code device} by its own address now. */
    public int routed(String device) {
        return routed.routed(device);
    }

    private void deviceRemoved(String name) {
        relay.closeOwner(name);
        routed.closeDevice(name);
    }

    @Override
    public void close() {
        forwards.close();
        relay.close();
        wireguard.close();
        stack.close();
    }
}
