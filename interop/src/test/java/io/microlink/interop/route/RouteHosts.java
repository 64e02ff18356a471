package io.microlink.interop.route;

import io.microlink.interop.Exec;
import io.microlink.interop.ManagedProcess;
import io.microlink.interop.NetworkNamespaces;
import io.microlink.interop.TestTailnet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The plain hosts the route tests reach through a router or an exit node: servers in network
 * namespaces of the test's own, and a host one gateway away, which an exit node's "guest wifi"
 * rule does not keep off (tailscale refuses the exit node's directly attached networks).
 */
final class RouteHosts {
    /** Exactly what the HTTP servers read before they answer, so they close with nothing unread (a FIN, not a RST). */
    static final String REQUEST = "GET / HTTP/1.0\r\n\r\n";
    private static final Duration IO = Duration.ofSeconds(20);

    private RouteHosts() {}

    /** A one-answer HTTP/1.0 server (socat running a script per connection) answering {@code label token}. */
    static ManagedProcess httpServer(TestTailnet tailnet, String ns, String address, int port, String label,
                                     String token) {
        return scriptedHttpServer(tailnet, ns, address, port, label, "'" + label + " " + token + "'");
    }

    /**
     * As {@link #httpServer}, answering {@code label token from ADDRESS}: the address the
     * connection came from, as this host sees it (masqueraded or not).
     */
    static ManagedProcess callerNamingServer(TestTailnet tailnet, String ns, String address, int port, String label,
                                             String token) {
        return scriptedHttpServer(tailnet, ns, address, port, label,
                "\"" + label + " " + token + " from $SOCAT_PEERADDR\"");
    }

    /** The server both answer with: {@code body} is a shell word printf prints as the text. */
    private static ManagedProcess scriptedHttpServer(TestTailnet tailnet, String ns, String address, int port,
                                                     String label, String body) {
        Path script = tailnet.dir().resolve("http-" + label + ".sh");
        try {
            Files.writeString(script, "#!/bin/sh\nhead -c " + REQUEST.length() + " >/dev/null\n"
                    + "printf 'HTTP/1.0 200 OK\\r\\nContent-Type: text/plain\\r\\n\\r\\n%s\\n' " + body + "\n");
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return tailnet.namespaces().start(ns, "http-" + label, List.of("socat", "TCP-LISTEN:" + port + ",bind="
                + address + ",fork,reuseaddr", "EXEC:" + script), Map.of(), tailnet.dir().resolve("http-" + label + ".log"));
    }

    /** A UDP echo server (socat) on {@code address}:{@code port} of {@code ns}. */
    static ManagedProcess udpEcho(TestTailnet tailnet, String ns, String address, int port) {
        return tailnet.namespaces().start(ns, "udp-echo-" + ns, List.of("socat", "UDP-LISTEN:" + port + ",bind="
                + address + ",fork,reuseaddr", "PIPE"), Map.of(), tailnet.dir().resolve("udp-echo-" + ns + ".log"));
    }

    /**
     * A namespace for {@code outsideHost} (in {@code outside}, a /24 whose .1 is the gateway's)
     * behind a gateway namespace on this host's LAN {@code lanSelf}/{@code lanGateway} (a /24),
     * and the route to it in the test JVM's own namespace.
     *
     * @return the outside host's namespace
     */
    static String oneGatewayAway(TestTailnet tailnet, String lanSelf, String lanGateway, String outside,
                                 String outsideHost) {
        NetworkNamespaces net = tailnet.namespaces();
        String gateway = net.create("gateway");
        String far = net.create("outside");
        String outsideGateway = outside.substring(0, outside.lastIndexOf('.')) + ".1";
        net.linkToSelf(lanSelf + "/24", gateway, lanGateway + "/24");
        net.link(gateway, outsideGateway + "/24", far, outsideHost + "/24");
        net.exec(gateway, "sysctl", "-w", "net.ipv4.ip_forward=1").requireSuccess();
        net.exec(far, "ip", "route", "add", "default", "via", outsideGateway).requireSuccess();
        // In the test JVM's own isolated namespace, as linkToSelf's veth is.
        Exec.run(IO, List.of("ip", "route", "add", outside, "via", lanGateway)).requireSuccess();
        return far;
    }
}
