package io.microlink.control;

import io.microlink.outbound.Dialer;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import okhttp3.Dns;

/**
 * Name lookups for OkHttp's control connection. OkHttp resolves the server's name before it
 * asks the socket to connect; through an outbound proxy the proxy resolves it instead (the host
 * may have no DNS of its own), so OkHttp gets a placeholder address that {@link NoiseSocket}
 * ignores, dialling the proxy with the name.
 */
final class ControlDns implements Dns {
    private final DialPlan plan;
    private final Dialer dialer;

    ControlDns(DialPlan plan, Dialer dialer) {
        this.plan = plan;
        this.dialer = dialer;
    }

    @Override
    public List<InetAddress> lookup(String hostname) throws UnknownHostException {
        boolean proxied = plan.attempts().stream().anyMatch(a ->
                dialer.rules().proxyFor(a.tls() ? "https" : "http", hostname, a.port()) != null);
        if (proxied) {
            return List.of(InetAddress.getByAddress(hostname, new byte[4]));
        }
        return Dns.SYSTEM.lookup(hostname);
    }
}
