package io.microlink.lopower;

import io.microlink.crypto.X25519;
import io.microlink.lopower.enroll.AddressPlan;
import io.microlink.lopower.enroll.DeviceRecord;
import io.microlink.lopower.enroll.EndpointText;
import io.microlink.lopower.enroll.ForwardRecord;
import io.microlink.lopower.enroll.Registry;
import io.microlink.lopower.enroll.RegistryFile;
import io.microlink.lopower.enroll.WgQuickText;
import io.microlink.wireguard.config.WireGuardKey;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The bridge's devices: enroll, list, show and remove, persisted in the state directory. A
 * running {@link LopowerBridge} on the same directory follows every change within a second,
 * so enrolling or removing needs no restart.
 *
 * <pre>{@code
 * Enrollment devices = Enrollment.open(Path.of("/var/lib/lopower"), null);
 * EnrolledDevice d = devices.add("sensor-1", null, "bridge.example.com:51820", 25);
 * System.out.print(d.config());
 * System.out.print(d.qrForTerminal());
 * }</pre>
 */
public final class Enrollment {
    /**
     * The keep-alive the command line and the web page give a device unless told otherwise: the
     * bridge learns where a device is only from its packets, so one that sends nothing after the
     * bridge restarts, or whose NAT mapping expired (often after 30 s), cannot be reached through
     * a port forward. 25 s keeps both fresh at one 32-byte packet each time; a battery device
     * that only calls out is given 0.
     */
    public static final int DEFAULT_KEEPALIVE = 25;

    /** A DNS label, so a name can later become a MagicDNS-style name. */
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    private final RegistryFile file;
    private final BridgeNetwork network;
    private final AddressPlan plan;
    private final String bridgePublicKey;

    private Enrollment(RegistryFile file, Registry registry) throws LopowerException {
        this.file = file;
        this.plan = AddressPlan.parse(registry.ipv6Prefix(), registry.ipv4Prefix());
        this.network = new BridgeNetwork(registry.ipv6Prefix(), registry.ipv4Prefix(), registry.port());
        this.bridgePublicKey = WireGuardKey.of(X25519.publicKey(privateKey(registry)), false).toBase64();
    }

    /**
     * Opens the registry in {@code stateDir}, creating it (and the bridge's key pair) with
     * {@code network} when there is none.
     *
     * @param network the device side wanted, or null to take what the directory was set up with
     *                ({@link BridgeNetwork#DEFAULT} for a new one)
     * @throws LopowerException when the directory was set up with another network, or its file is broken
     */
    public static Enrollment open(Path stateDir, BridgeNetwork network) throws LopowerException {
        if (network != null) {
            AddressPlan.parse(network.ipv6Prefix(), network.ipv4Prefix()); // refuse bad prefixes before writing
        }
        RegistryFile file = new RegistryFile(stateDir);
        Registry r = file.update(current -> {
            if (current != null) {
                return current;
            }
            BridgeNetwork n = network == null ? BridgeNetwork.DEFAULT : network;
            AddressPlan p = AddressPlan.parse(n.ipv6Prefix(), n.ipv4Prefix());
            return new Registry(WireGuardKey.of(X25519.generatePrivateKey(), true).toBase64(), p.ipv6().toString(),
                    p.ipv4() == null ? null : p.ipv4().toString(), n.port(), List.of(), List.of());
        });
        Enrollment e = new Enrollment(file, r);
        if (network != null && !sameNetwork(e.network, network)) {
            throw new LopowerException("the bridge in " + stateDir + " was set up with " + describe(e.network)
                    + ", not " + describe(network) + "; every device's configuration depends on it (to start over,"
                    + " remove " + file.path() + " and enroll the devices again)");
        }
        return e;
    }

    /** The device side this bridge was set up with. */
    public BridgeNetwork network() {
        return network;
    }

    /** The bridge's WireGuard public key, which every device's configuration names. */
    public String bridgePublicKey() {
        return bridgePublicKey;
    }

    /**
     * Enrolls a device under {@code name} with the next free addresses.
     *
     * @param publicKey the device's public key (base64), so its private key never leaves it; null
     *                  to have the bridge generate the pair (the configuration then holds the private key)
     * @param endpoint  the bridge's host:port as the device reaches it; null to take the first
     *                  address of this host's interfaces and the bridge's port
     * @param keepalive PersistentKeepalive seconds for the device, 0 for none (a device behind NAT
     *                  that must stay reachable from the tailnet needs one)
     * @throws LopowerException for a bad name or key, a name or key enrolled already, a full pool
     *                          or an endpoint that is not host:port
     */
    public EnrolledDevice add(String name, String publicKey, String endpoint, int keepalive) throws LopowerException {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new LopowerException("the device name '" + name + "' is not valid: use 1-63 lower-case letters,"
                    + " digits and inner hyphens");
        }
        if (keepalive < 0 || keepalive > 65535) {
            throw new LopowerException("the keep-alive must be 0-65535 seconds, got " + keepalive);
        }
        String priv = null;
        String pub;
        if (publicKey == null) {
            byte[] k = X25519.generatePrivateKey();
            priv = WireGuardKey.of(k, true).toBase64();
            pub = WireGuardKey.of(X25519.publicKey(k), false).toBase64();
        } else {
            try {
                pub = WireGuardKey.parse(publicKey, false).toBase64();
            } catch (IllegalArgumentException e) {
                throw new LopowerException("malformed public key: " + e.getMessage());
            }
        }
        String ep = endpoint == null ? EndpointText.fromInterfaces(network.port()) : EndpointText.parse(endpoint);
        String privateKey = priv;
        Registry after = file.update(existing -> {
            Registry current = present(existing);
            Set<Integer> taken = new HashSet<>();
            for (DeviceRecord d : current.devices()) {
                if (d.name().equals(name)) {
                    throw new LopowerException("a device named '" + name + "' is enrolled already");
                }
                if (d.publicKey().equals(pub)) {
                    throw new LopowerException("that public key is enrolled already, as '" + d.name() + "'");
                }
                taken.add(d.host());
            }
            if (pub.equals(bridgePublicKey)) {
                throw new LopowerException("that public key is the bridge's own");
            }
            List<DeviceRecord> devices = new ArrayList<>(current.devices());
            devices.add(new DeviceRecord(name, pub, privateKey, plan.nextFree(taken), ep, keepalive,
                    Instant.now().toString()));
            return current.with(devices, current.forwards());
        });
        return device(after.devices().getLast());
    }

    /** Every enrolled device, in enrollment order. */
    public List<EnrolledDevice> list() throws LopowerException {
        List<EnrolledDevice> out = new ArrayList<>();
        for (DeviceRecord d : registry().devices()) {
            out.add(device(d));
        }
        return out;
    }

    /** The device enrolled as {@code name}, with its configuration. */
    public EnrolledDevice show(String name) throws LopowerException {
        for (DeviceRecord d : registry().devices()) {
            if (d.name().equals(name)) {
                return device(d);
            }
        }
        throw unknown(name);
    }

    /** Removes the device and its port forwards; a running bridge drops its peer and its sessions within a second. */
    public void remove(String name) throws LopowerException {
        file.update(existing -> {
            Registry current = present(existing);
            List<DeviceRecord> kept = current.devices().stream().filter(d -> !d.name().equals(name)).toList();
            if (kept.size() == current.devices().size()) {
                throw unknown(name);
            }
            return current.with(kept, current.forwards().stream().filter(f -> !f.device().equals(name)).toList());
        });
    }

    /**
     * Forwards {@code protocol} on {@code tailnetPort} of the bridge's tailnet addresses to
     * {@code devicePort} of the device: tailnet peers reach a service on the device there (TCP:
     * each connection; UDP: each sender's datagrams, a flow closed when idle). A running bridge
     * opens the port within a second.
     *
     * @throws LopowerException for an unknown device, a bad port or a tailnet port forwarded
     *                          already for the same protocol
     */
    public PortForward forward(String device, PortForward.Protocol protocol, int tailnetPort, int devicePort)
            throws LopowerException {
        if (tailnetPort < 1 || tailnetPort > 65535 || devicePort < 1 || devicePort > 65535) {
            throw new LopowerException("ports are 1-65535, got " + tailnetPort + " and " + devicePort);
        }
        ForwardRecord wanted = new ForwardRecord(tailnetPort, device, devicePort, protocol == PortForward.Protocol.UDP);
        file.update(existing -> {
            Registry current = present(existing);
            if (current.devices().stream().noneMatch(d -> d.name().equals(device))) {
                throw unknown(device);
            }
            for (ForwardRecord f : current.forwards()) {
                if (f.samePort(wanted)) {
                    throw new LopowerException("tailnet port " + portText(f) + " is forwarded already, to "
                            + f.device() + ":" + f.devicePort());
                }
            }
            List<ForwardRecord> forwards = new ArrayList<>(current.forwards());
            forwards.add(wanted);
            return current.with(current.devices(), forwards);
        });
        return forwardOf(wanted);
    }

    /** Stops forwarding {@code tailnetPort} of {@code protocol}; a running bridge closes it and its connections or flows within a second. */
    public void unforward(PortForward.Protocol protocol, int tailnetPort) throws LopowerException {
        ForwardRecord port = new ForwardRecord(tailnetPort, null, 0, protocol == PortForward.Protocol.UDP);
        file.update(existing -> {
            Registry current = present(existing);
            List<ForwardRecord> kept = current.forwards().stream().filter(f -> !f.samePort(port)).toList();
            if (kept.size() == current.forwards().size()) {
                throw new LopowerException("tailnet port " + portText(port) + " is not forwarded");
            }
            return current.with(current.devices(), kept);
        });
    }

    /** The port forwards, in the order they were added. */
    public List<PortForward> forwards() throws LopowerException {
        return registry().forwards().stream().map(Enrollment::forwardOf).toList();
    }

    private static PortForward forwardOf(ForwardRecord f) {
        return new PortForward(f.udp() ? PortForward.Protocol.UDP : PortForward.Protocol.TCP, f.tailnetPort(),
                f.device(), f.devicePort());
    }

    private static String portText(ForwardRecord f) {
        return f.tailnetPort() + (f.udp() ? "/udp" : "/tcp");
    }

    Registry registry() throws LopowerException {
        return present(file.read());
    }

    private Registry present(Registry r) throws LopowerException {
        if (r == null) {
            throw new LopowerException(file.path() + " has gone away");
        }
        return r;
    }

    AddressPlan plan() {
        return plan;
    }

    private EnrolledDevice device(DeviceRecord d) {
        String config = WgQuickText.render(d.privateKey(), plan.addressesOf(d.host()), plan.bridgeAddresses(),
                bridgePublicKey, d.endpoint(), d.keepalive());
        return new EnrolledDevice(d.name(), d.publicKey(), plan.addressesOf(d.host()), config, Instant.parse(d.created()));
    }

    static byte[] privateKey(Registry r) throws LopowerException {
        try {
            return WireGuardKey.parse(r.bridgePrivateKey(), true).bytes();
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new LopowerException("the bridge's private key in its registry is broken");
        }
    }

    private static LopowerException unknown(String name) {
        return new LopowerException("no device named '" + name + "' is enrolled");
    }

    private static boolean sameNetwork(BridgeNetwork stored, BridgeNetwork wanted) throws LopowerException {
        AddressPlan a = AddressPlan.parse(stored.ipv6Prefix(), stored.ipv4Prefix());
        AddressPlan b = AddressPlan.parse(wanted.ipv6Prefix(), wanted.ipv4Prefix());
        return a.equals(b) && stored.port() == wanted.port();
    }

    private static String describe(BridgeNetwork n) {
        return n.ipv6Prefix() + (n.ipv4Prefix() == null ? " (no IPv4)" : " and " + n.ipv4Prefix()) + ", port " + n.port();
    }
}
