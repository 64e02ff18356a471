package io.microlink.web;

import io.microlink.host.settings.NodeSettings;
import io.microlink.web.http.HttpServer;
import java.util.Objects;

/**
 * Where and for whom the web page is served.
 *
 * <pre>{@code
 * WebOptions options = WebOptions.from(new SettingsStore(stateDir).load(), WebToken.inDirectory(stateDir));
 * }</pre>
 *
 * @param enabled     false: no listener, no thread, nothing at all
 * @param tailnetPort the port on the node's tailnet addresses, 1-65535; 0 for none
 * @param localPort   the port on 127.0.0.1, 1-65535; 0 for none
 * @param guests      what callers of other tailnet users may do
 * @param limits      what one connection and one caller may take of the server
 * @param localToken  what a caller on 127.0.0.1 must show ({@link WebServer#localUrl()} carries it)
 * @param metricsOnTailnet whether {@code /metrics} is served on the tailnet listener too (it always is
 *                    on 127.0.0.1, with the token); off by default: the counters name every peer
 */
public record WebOptions(boolean enabled, int tailnetPort, int localPort, GuestAccess guests,
                         HttpServer.Limits limits, WebToken localToken, boolean metricsOnTailnet) {
    public WebOptions {
        if (tailnetPort < 0 || tailnetPort > 65535 || localPort < 0 || localPort > 65535) {
            throw new IllegalArgumentException("web ports must be 0-65535 (0: none), got tailnet " + tailnetPort
                    + " and local " + localPort);
        }
        Objects.requireNonNull(guests, "guests");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(localToken, "localToken");
    }

    /**
     * Options without {@code /metrics} on the tailnet.
     *
     * @param enabled     false: no listener, no thread, nothing at all
     * @param tailnetPort the port on the node's tailnet addresses; 0 for none
     * @param localPort   the port on 127.0.0.1; 0 for none
     * @param guests      what callers of other tailnet users may do
     * @param limits      what one connection and one caller may take of the server
     * @param localToken  what a caller on 127.0.0.1 must show
     */
    public WebOptions(boolean enabled, int tailnetPort, int localPort, GuestAccess guests, HttpServer.Limits limits,
                      WebToken localToken) {
        this(enabled, tailnetPort, localPort, guests, limits, localToken, false);
    }

    /** As the node's settings say, with the default limits and {@code localToken} for the local page. */
    public static WebOptions from(NodeSettings settings, WebToken localToken) {
        return new WebOptions(settings.webEnabled(), settings.webPort(), settings.webLocalPort(),
                settings.webGuestsReadOnly() ? GuestAccess.READ_ONLY : GuestAccess.NONE, HttpServer.Limits.DEFAULT,
                localToken, settings.webMetricsOnTailnet());
    }

    /** These options without the tailnet listener (a node in TUN mode has none of its own). */
    public WebOptions localOnly() {
        return new WebOptions(enabled, 0, localPort, guests, limits, localToken, metricsOnTailnet);
    }
}
