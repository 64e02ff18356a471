package io.microlink.control;

import java.net.URI;
import java.util.List;

/**
 * Where to try the ts2021 upgrade, in order, as tailscale does: {@code http://host[:P]} only
 * plain HTTP on P (80 by default); {@code https://host:P} only TLS on P; {@code https://host}
 * plain HTTP on 80 first (Noise protects the session either way, and port 80 often works
 * where TLS is intercepted), then TLS on 443.
 */
record DialPlan(String host, List<Attempt> attempts) {

    /** One way to reach the server; {@code hostHeader} carries the port only when it is not the default. */
    record Attempt(int port, boolean tls, String hostHeader) {}

    static DialPlan of(URI server) {
        String host = server.getHost();
        int port = server.getPort();
        boolean https = "https".equalsIgnoreCase(server.getScheme());
        if (!https) {
            int p = port > 0 ? port : 80;
            return new DialPlan(host, List.of(new Attempt(p, false, p == 80 ? host : host + ":" + p)));
        }
        if (port > 0) {
            return new DialPlan(host, List.of(new Attempt(port, true, port == 443 ? host : host + ":" + port)));
        }
        return new DialPlan(host, List.of(new Attempt(80, false, host), new Attempt(443, true, host)));
    }
}
