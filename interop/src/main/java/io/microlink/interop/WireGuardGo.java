package io.microlink.interop;

import io.microlink.crypto.X25519;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Debian's wireguard-go running in a network namespace, configured with {@code wg} and
 * {@code ip}: the reference peer for the Java WireGuard engine. Its control socket lives in
 * /var/run/wireguard, shared by all namespaces, so every instance gets a machine-unique
 * interface name.
 *
 * <pre>{@code
 * try (WireGuardGo wg = WireGuardGo.start(net, ns, dir, 51820)) {
 *     wg.addPeer(javaPublicKey, "10.77.0.1/32", "10.201.0.1:51820", 0);
 *     wg.addAddress("10.77.0.2/24");
 * }
 * }</pre>
 */
public final class WireGuardGo implements AutoCloseable {
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static final Duration WG_TIMEOUT = Duration.ofSeconds(15);

    private final NetworkNamespaces net;
    private final String ns;
    private final String ifName;
    private final ManagedProcess process;
    private final byte[] privateKey;

    /** One peer line of {@code wg show dump}. */
    public record PeerStatus(String publicKey, String endpoint, long latestHandshakeEpochSeconds,
                             long rxBytes, long txBytes) {}

    private WireGuardGo(NetworkNamespaces net, String ns, String ifName, ManagedProcess process, byte[] privateKey) {
        this.net = net;
        this.ns = ns;
        this.ifName = ifName;
        this.process = process;
        this.privateKey = privateKey;
    }

    /** Starts wireguard-go in {@code ns} with a fresh key, listening on {@code listenPort}. */
    public static WireGuardGo start(NetworkNamespaces net, String ns, Path dir, int listenPort) {
        String ifName = "wgt" + ProcessHandle.current().pid() + "x" + SEQUENCE.incrementAndGet();
        if (ifName.length() > 15) {
            ifName = "wgt" + (ProcessHandle.current().pid() % 100000) + "x" + SEQUENCE.get();
        }
        ManagedProcess p = net.start(ns, "wireguard-go " + ifName, List.of("wireguard-go", "-f", ifName),
                Map.of("LOG_LEVEL", "verbose"), dir.resolve(ifName + ".log"));
        String name = ifName;
        Await.until(WG_TIMEOUT, "wireguard-go " + ifName + " to create its interface", () -> {
            p.requireAlive();
            return net.exec(ns, "wg", "show", name).succeeded();
        });
        byte[] key = X25519.generatePrivateKey();
        WireGuardGo wg = new WireGuardGo(net, ns, ifName, p, key);
        Path keyFile = dir.resolve(ifName + ".key");
        writeSecret(keyFile, Base64.getEncoder().encodeToString(key) + "\n");
        wg.wg("set", ifName, "private-key", keyFile.toString(), "listen-port", Integer.toString(listenPort));
        return wg;
    }

    /** Writes {@code text} to an owner-only file: keys, and configurations that hold one. */
    private static void writeSecret(Path file, String text) {
        try {
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String interfaceName() {
        return ifName;
    }

    public byte[] publicKey() {
        return X25519.publicKey(privateKey);
    }

    /**
     * Adds a peer (base64 public key); {@code endpoint} may be null, {@code keepalive} 0 for off,
     * {@code presharedKey} null for none.
     */
    public void addPeer(byte[] publicKey, byte[] presharedKey, String allowedIps, String endpoint, int keepalive) {
        List<String> args = new ArrayList<>(List.of("set", ifName, "peer", Base64.getEncoder().encodeToString(publicKey),
                "allowed-ips", allowedIps, "persistent-keepalive", Integer.toString(keepalive)));
        if (endpoint != null) {
            args.addAll(List.of("endpoint", endpoint));
        }
        if (presharedKey != null) {
            Path pskFile = process.logFile().resolveSibling(ifName + ".psk");
            writeSecret(pskFile, Base64.getEncoder().encodeToString(presharedKey) + "\n");
            args.addAll(List.of("preshared-key", pskFile.toString()));
        }
        wg(args.toArray(String[]::new));
    }

    /** Adds an address (CIDR) to the interface and brings it up. */
    public void addAddress(String cidr) {
        List<String> cmd = new ArrayList<>(List.of("ip", "addr", "add", cidr, "dev", ifName));
        if (cidr.contains(":")) {
            cmd.add("nodad");
        }
        net.exec(ns, cmd.toArray(String[]::new)).requireSuccess();
        net.exec(ns, "ip", "link", "set", ifName, "up").requireSuccess();
    }

    /**
     * Configures the interface from a wg-quick file's text as wg-quick itself would, with the
     * real tools: {@code wg-quick strip} into {@code wg setconf}, then the {@code Address} lines
     * and a route for each of the peers' {@code AllowedIPs} (its DNS line is the caller's).
     */
    public void configureFromWgQuick(String config) {
        Path file = process.logFile().resolveSibling(ifName + ".conf");
        Path stripped = process.logFile().resolveSibling(ifName + ".stripped");
        writeSecret(file, config);
        String setconf = Exec.run(WG_TIMEOUT, List.of("wg-quick", "strip", file.toString())).requireSuccess().stdout();
        writeSecret(stripped, setconf);
        wg("setconf", ifName, stripped.toString());
        for (String address : wgQuickField(config, "Address")) {
            addAddress(address);
        }
        for (String range : wgQuickField(config, "AllowedIPs")) {
            net.exec(ns, WG_TIMEOUT, "ip", range.contains(":") ? "-6" : "-4", "route", "replace", range, "dev", ifName)
                    .requireSuccess();
        }
    }

    /** The comma-separated values of every {@code KEY = ...} line of a wg-quick file. */
    public static List<String> wgQuickField(String config, String key) {
        List<String> out = new ArrayList<>();
        config.lines().filter(l -> l.startsWith(key + " = ")).forEach(l -> {
            for (String v : l.substring(key.length() + 3).split(",")) {
                out.add(v.strip());
            }
        });
        return out;
    }

    /** The peers as {@code wg show <if> dump} reports them. */
    public List<PeerStatus> peers() {
        String out = net.exec(ns, "wg", "show", ifName, "dump").requireSuccess().stdout();
        List<PeerStatus> peers = new ArrayList<>();
        List<String> lines = out.lines().toList();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split("\t");
            peers.add(new PeerStatus(f[0], f[2], Long.parseLong(f[4]), Long.parseLong(f[5]), Long.parseLong(f[6])));
        }
        return peers;
    }

    private void wg(String... args) {
        List<String> cmd = new ArrayList<>(List.of("wg"));
        cmd.addAll(List.of(args));
        net.exec(ns, WG_TIMEOUT, cmd.toArray(String[]::new)).requireSuccess();
    }

    public ManagedProcess process() {
        return process;
    }

    @Override
    public void close() {
        process.close();
    }
}
