package io.microlink.interop.wireguard;

import io.microlink.crypto.X25519;
import io.microlink.interop.Await;
import io.microlink.interop.Exec;
import io.microlink.interop.NetworkNamespaces;
import io.microlink.interop.WireGuardGo;
import io.microlink.wireguard.WireGuardDevice;
import io.microlink.wireguard.config.ConfigException;
import io.microlink.wireguard.config.InterfaceConfig;
import io.microlink.wireguard.config.WgQuickParser;
import io.microlink.wireguard.session.EngineSettings;
import io.microlink.wireguard.session.Peer;
import io.microlink.wireguard.session.UdpEndpoint;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Java engine in this JVM's namespace (TUN "mlwg<n>") and wireguard-go in namespace "wgo",
 * joined by a veth pair. Underlay 10.201.n.1 (Java) / .2 (wireguard-go); tunnel 10.77.n.1 / .2
 * and fd77:n::1 / ::2.
 */
final class Tunnel implements AutoCloseable {
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    final int n = SEQUENCE.incrementAndGet();
    final NetworkNamespaces net = new NetworkNamespaces();
    final String ns;
    final WireGuardGo wgGo;
    final WireGuardDevice java;
    final int javaPort = 52000 + n;
    final int goPort = 51821;
    /** wireguard-go's end of the underlay veth, inside {@link #ns}. */
    final String goVeth;

    /** Which side knows the other's endpoint, and so can start the first handshake. */
    enum Initiator { JAVA, WIREGUARD_GO, BOTH }

    Tunnel(Path dir, Initiator initiator, EngineSettings settings, byte[] psk) throws IOException, ConfigException {
        this(dir, initiator, settings, psk, 0);
    }

    /**
     * @param goSeesJavaOnPort the UDP port wireguard-go is told for Java on the Java underlay
     *                         address, if not the engine's own (a relay's); 0 for the engine's
     */
    Tunnel(Path dir, Initiator initiator, EngineSettings settings, byte[] psk, int goSeesJavaOnPort)
            throws IOException, ConfigException {
        boolean ok = false;
        WireGuardGo go = null;
        try {
            ns = net.create("wgo");
            goVeth = net.linkToSelf(underlayJava() + "/24", ns, underlayGo() + "/24").get(1);
            go = WireGuardGo.start(net, ns, dir, goPort);
            byte[] javaKey = X25519.generatePrivateKey();
            String javaEndpoint = initiator == Initiator.JAVA ? null
                    : underlayJava() + ":" + (goSeesJavaOnPort != 0 ? goSeesJavaOnPort : javaPort);
            go.addPeer(X25519.publicKey(javaKey), psk, tunnelJava() + "/32," + tunnel6Java() + "/128", javaEndpoint, 0);
            go.addAddress(tunnelGo() + "/24");
            go.addAddress(tunnel6Go() + "/64");
            String conf = "[Interface]\n"
                    + "PrivateKey = " + b64(javaKey) + "\n"
                    + "ListenPort = " + javaPort + "\n"
                    + "Address = " + tunnelJava() + "/24, " + tunnel6Java() + "/64\n"
                    + "MTU = 1420\n\n"
                    + "[Peer]\n"
                    + "PublicKey = " + b64(go.publicKey()) + "\n"
                    + (psk == null ? "" : "PresharedKey = " + b64(psk) + "\n")
                    + "AllowedIPs = " + tunnelGo() + "/32, " + tunnel6Go() + "/128\n"
                    + (initiator == Initiator.WIREGUARD_GO ? "" : "Endpoint = " + underlayGo() + ":" + goPort + "\n");
            InterfaceConfig config = WgQuickParser.parse("tunnel-" + n + ".conf", "mlwg" + n, conf);
            java = WireGuardDevice.start(config, settings.withMtu(config.effectiveMtu()));
            wgGo = go;
            ok = true;
        } finally {
            if (!ok) {
                if (go != null) {
                    go.close();
                }
                net.close();
            }
        }
    }

    Tunnel(Path dir, Initiator initiator) throws IOException, ConfigException {
        this(dir, initiator, EngineSettings.DEFAULT, null);
    }

    static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    String underlayJava() {
        return "10.201." + n + ".1";
    }

    String underlayGo() {
        return "10.201." + n + ".2";
    }

    String tunnelJava() {
        return "10.77." + n + ".1";
    }

    String tunnelGo() {
        return "10.77." + n + ".2";
    }

    String tunnel6Java() {
        return "fd77:" + n + "::1";
    }

    String tunnel6Go() {
        return "fd77:" + n + "::2";
    }

    Peer goPeer() {
        return java.engine().peers().getFirst();
    }

    /** The IP address the Java side sends to wireguard-go at (a WireGuardDevice's endpoints are UDP). */
    String goEndpointIp() {
        return ((UdpEndpoint) goPeer().endpoint()).address().getAddress().getHostAddress();
    }

    /** Pings from this JVM's namespace (the Java engine's side); true if a reply came. */
    boolean pingFromJava(String target) {
        List<String> cmd = List.of("ping", target.contains(":") ? "-6" : "-4", "-c", "1", "-W", "2", target);
        return Exec.run(Duration.ofSeconds(10), cmd).succeeded();
    }

    /** Pings from wireguard-go's namespace. */
    boolean pingFromGo(String target) {
        return net.exec(ns, "ping", target.contains(":") ? "-6" : "-4", "-c", "1", "-W", "2", target).succeeded();
    }

    /** Retries a ping for up to {@code timeout}: the first packets wait for the handshake. */
    void awaitPing(boolean fromJava, String target, Duration timeout) {
        try {
            Await.until(timeout, (fromJava ? "Java" : "wireguard-go") + " side to ping " + target,
                    () -> fromJava ? pingFromJava(target) : pingFromGo(target));
        } catch (Await.TimeoutException e) {
            throw new AssertionError(e.getMessage() + "\n" + diagnostics(), e);
        }
    }

    String diagnostics() {
        return "java counters " + java.engine().counters() + "\nwireguard-go log:\n" + wgGo.process().logTail(40);
    }

    @Override
    public void close() {
        try {
            java.close();
        } finally {
            try {
                wgGo.close();
            } finally {
                net.close();
            }
        }
    }
}
