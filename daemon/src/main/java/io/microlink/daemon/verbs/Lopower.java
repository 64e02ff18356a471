package io.microlink.daemon.verbs;

import io.microlink.daemon.cli.CliException;
import io.microlink.daemon.cli.Context;
import io.microlink.daemon.cli.Options;
import io.microlink.daemon.cli.OwnerOnlyFile;
import io.microlink.daemon.cli.UsageException;
import io.microlink.daemon.cli.Verb;
import io.microlink.daemon.lopower.BridgeRunner;
import io.microlink.daemon.lopower.DeviceCommands;
import io.microlink.lopower.BridgeNetwork;
import io.microlink.lopower.Enrollment;
import io.microlink.lopower.LopowerException;
import io.microlink.lopower.PortForward;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code microlink lopower ...}: the LOPOWER bridge, which carries plain-WireGuard devices onto
 * the tailnet: {@code start} runs it, {@code devices ...} enrolls and removes devices (also
 * while it runs, from another shell).
 */
final class Lopower implements Verb {
    /** The daemon's own environment switch for test tailnets, honoured by the bridge's node too. */
    private static final String PLAIN_HTTP_DERP_ENV = "MICROLINK_DEBUG_USE_DERP_HTTP";

    @Override
    public String name() {
        return "lopower";
    }

    @Override
    public String arguments() {
        return "start | devices add|list|show|remove [NAME] | forwards add [--udp] NAME TAILNET_PORT DEVICE_PORT"
                + " | forwards list | forwards remove [--udp] TAILNET_PORT";
    }

    @Override
    public String summary() {
        return "the LOPOWER bridge: plain-WireGuard devices on the tailnet";
    }

    @Override
    public String details() {
        return """
                The bridge runs a WireGuard server of its own (UDP --wg-port, default 51820, keys
                unknown to control) and a tailnet node of its own (--hostname, default lopower),
                kept in --dir (default: lopower/ in the state directory). Each enrolled device
                gets the next addresses of the device side (IPv6 fd7a:115c:a1e0:9909::/64, and
                IPv4 10.90.0.0/24 unless --no-ipv4; fixed when the directory is first set up) and
                a wg-quick configuration, printed with its QR code. Without --public-key the
                bridge generates the device's keys and the configuration holds its private key;
                with it the private key never leaves the device. The endpoint in the
                configuration is --endpoint, or this host's first address and the port.
                A device reaches tailnet addresses (as the bridge's node; its ACLs apply) and
                nothing else. `forwards add NAME 8080 80` lets tailnet peers reach TCP port 80 of
                the device at port 8080 of the bridge's tailnet addresses; with --udp, UDP (each
                tailnet sender a flow of its own, closed after 60 s idle). The bridge learns where
                a device is only from its packets, so a device to be reached needs a keep-alive
                (devices add writes PersistentKeepalive = 25 unless --keepalive says otherwise;
                --keepalive 0 saves a battery device's radio when it only calls out). Enrolling,
                removing and forwarding take effect in a running bridge at once. The bridge's
                device-side addresses answer DNS (UDP and TCP): tailnet names from the bridge's netmap (IPv6 only
                with --no-ipv4), other names forwarded to the tailnet's resolvers, else to
                --dns-upstream. With start --advertise-device-routes the bridge's node offers the
                device prefixes as subnet routes: once control approves them, peers that accept
                routes reach each device by its own address, any port, TCP, UDP and ping (the
                tailnet's rules judge by destination; a device is dialed only once the bridge has
                heard from it). Off by default: it opens every port of every device, and bridges
                that advertise need prefixes of their own (--ipv6-prefix, --ipv4-prefix).""";
    }

    @Override
    public Options options() {
        return new Options()
                .value("dir", null, "DIR", "the bridge's state directory (default: STATE_DIR/lopower)")
                .value("wg-port", null, "PORT", "the bridge's WireGuard UDP port (default 51820)")
                .value("ipv6-prefix", null, "PREFIX", "the devices' IPv6 prefix (default fd7a:115c:a1e0:9909::/64)")
                .value("ipv4-prefix", null, "PREFIX", "the devices' IPv4 prefix (default 10.90.0.0/24)")
                .flag("no-ipv4", null, "IPv6 only on the device side")
                .value("login-server", null, "URL", "start: the control server (default: Tailscale's)")
                .value("auth-key-file", null, "FILE", "start: read the bridge node's pre-auth key from FILE")
                .value("hostname", null, "NAME", "start: the bridge's name on the tailnet (default lopower)")
                .value("dns-upstream", null, "IP[:PORT],...",
                        "start: resolvers for the devices' names the tailnet's DNS config sends nowhere")
                .value("web-port", null, "PORT", "start: serve the web page with its Devices view on 127.0.0.1:PORT"
                        + " (token in DIR/web-token; default: none)")
                .flag("advertise-device-routes", null, "start: offer the device prefixes as subnet routes, so tailnet"
                        + " peers reach each device by its own address once control approves them (default: off)")
                .value("public-key", null, "KEY", "devices add: the device's own WireGuard public key")
                .value("endpoint", null, "HOST:PORT", "devices add: the bridge as the device reaches it")
                .value("keepalive", null, "SECONDS", "devices add: PersistentKeepalive for the device (default 25; 0: off,"
                        + " then the device cannot be reached until it sends)")
                .value("qr-png", null, "FILE", "devices add/show: also write the QR code as a PNG image")
                .flag("no-qr", null, "devices add/show: print no QR code in the terminal")
                .flag("udp", null, "forwards add/remove: a UDP forward (default TCP)");
    }

    @Override
    public int run(Options.Parsed args, Context context)
            throws CliException, UsageException, IOException, InterruptedException {
        List<String> p = args.positionals();
        Path dir = args.value("dir") == null ? context.stateDir().resolve("lopower")
                : Path.of(args.value("dir")).toAbsolutePath();
        BridgeNetwork network = network(args);
        if (p.size() == 1 && p.getFirst().equals("start")) {
            return start(args, context, dir, network);
        }
        if (p.size() >= 2 && p.getFirst().equals("forwards")) {
            return forwards(p, args.flag("udp") ? PortForward.Protocol.UDP : PortForward.Protocol.TCP,
                    new DeviceCommands(open(dir, network), context.io().out()));
        }
        if (p.size() < 2 || !p.getFirst().equals("devices")) {
            throw new UsageException("expected " + arguments());
        }
        DeviceCommands devices = new DeviceCommands(open(dir, network), context.io().out());
        Path png = args.value("qr-png") == null ? null : Path.of(args.value("qr-png"));
        boolean qr = !args.flag("no-qr");
        switch (p.get(1)) {
            case "add" -> devices.add(one(p, "devices add NAME"), args.value("public-key"), args.value("endpoint"),
                    args.intValue("keepalive", Enrollment.DEFAULT_KEEPALIVE, 0, 65535), qr, png);
            case "list" -> {
                none(p, "devices list");
                devices.list();
            }
            case "show" -> devices.show(one(p, "devices show NAME"), qr, png);
            case "remove" -> devices.remove(one(p, "devices remove NAME"));
            default -> throw new UsageException("unknown devices command '" + p.get(1) + "': add, list, show or remove");
        }
        return 0;
    }

    private int forwards(List<String> p, PortForward.Protocol protocol, DeviceCommands commands)
            throws CliException, UsageException {
        switch (p.get(1)) {
            case "add" -> {
                if (p.size() != 5) {
                    throw new UsageException("expected forwards add NAME TAILNET_PORT DEVICE_PORT");
                }
                commands.forward(p.get(2), protocol, port(p.get(3), "TAILNET_PORT"), port(p.get(4), "DEVICE_PORT"));
            }
            case "list" -> {
                none(p, "forwards list");
                commands.forwards();
            }
            case "remove" -> commands.unforward(protocol, port(one(p, "forwards remove TAILNET_PORT"), "TAILNET_PORT"));
            default -> throw new UsageException("unknown forwards command '" + p.get(1) + "': add, list or remove");
        }
        return 0;
    }

    private static int port(String text, String what) throws UsageException {
        try {
            int port = Integer.parseInt(text);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // the message below says what was wrong
        }
        throw new UsageException(what + " must be 1-65535, got '" + text + "'");
    }

    private int start(Options.Parsed args, Context context, Path dir, BridgeNetwork network)
            throws CliException, UsageException, InterruptedException {
        BridgeRunner runner;
        try {
            List<InetSocketAddress> dnsUpstreams = args.value("dns-upstream") == null ? List.of()
                    : DnsUpstreamFlag.addresses(args.value("dns-upstream"));
            runner = new BridgeRunner(dir, network, args.value("login-server"), authKey(args.value("auth-key-file")),
                    args.value("hostname") == null ? "lopower" : args.value("hostname"), dnsUpstreams,
                    "1".equals(context.io().env().get(PLAIN_HTTP_DERP_ENV)), args.intValue("web-port", 0, 0, 65535),
                    args.flag("advertise-device-routes"));
            return runner.run(context.io().out());
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /** The device side the flags ask for, or null when they name none (take the directory's). */
    private static BridgeNetwork network(Options.Parsed args) throws UsageException {
        String v6 = args.value("ipv6-prefix");
        String v4 = args.value("ipv4-prefix");
        String port = args.value("wg-port");
        if (args.flag("no-ipv4") && v4 != null) {
            throw new UsageException("give --ipv4-prefix or --no-ipv4, not both");
        }
        if (v6 == null && v4 == null && port == null && !args.flag("no-ipv4")) {
            return null;
        }
        BridgeNetwork d = BridgeNetwork.DEFAULT;
        return new BridgeNetwork(v6 == null ? d.ipv6Prefix() : v6,
                args.flag("no-ipv4") ? null : v4 == null ? d.ipv4Prefix() : v4,
                args.intValue("wg-port", d.port(), 1, 65535));
    }

    private static Enrollment open(Path dir, BridgeNetwork network) throws CliException {
        try {
            return Enrollment.open(dir, network);
        } catch (LopowerException e) {
            throw new CliException(e.getMessage());
        }
    }

    private static String authKey(String file) throws CliException {
        return file == null ? null : OwnerOnlyFile.readLine(Path.of(file).toAbsolutePath(), "auth key file");
    }

    private static String one(List<String> p, String usage) throws UsageException {
        if (p.size() != 3) {
            throw new UsageException("expected " + usage);
        }
        return p.get(2);
    }

    private static void none(List<String> p, String usage) throws UsageException {
        if (p.size() != 2) {
            throw new UsageException("expected " + usage);
        }
    }
}
