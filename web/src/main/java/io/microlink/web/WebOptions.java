package io.microlink.web;

import io.microlink.host.settings.NodeSettings;
import io.microlink.web.http.HttpServer;
import java.util.Objects;

/**
 * Where and for whom the web page is served.
 *
 * <pre>{@code
 * WebOptions options = WebOptions.from(new SettingsStore(stateDir).load());
 * }</pre>
 *
 * @param enabled     false: no listener, no thread, nothing at all
 * @param tailnetPort the port on the node's tailnet addresses, 1-65535; 0 for none
 * @param localPort   the port on 127.0.0.1, 1-65535; 0 for none
 * @param guests      what callers of other tailnet users may do
 */
public record WebOptions(boolean enabled, int tailnetPort, int localPort, GuestAccess guests,
                         HttpServer.Limits limits) {
    public WebOptions {
        if (tailnetPort < 0 || tailnetPort > 65535 || localPort < 0 || localPort > 65535) {
            throw new IllegalArgumentException("web ports must be 0-65535 (0: none), got tailnet " + tailnetPort
                    + " and local " + localPort);
        }
        Objects.requireNonNull(guests, "guests");
        Objects.requireNonNull(limits, "limits");
    }

    /** As the node's settings say, with the default limits. */
    public static WebOptions from(NodeSettings settings) {
        return new WebOptions(settings.webEnabled(), settings.webPort(), settings.webLocalPort(),
                settings.webGuestsReadOnly() ? GuestAccess.READ_ONLY : GuestAccess.NONE, HttpServer.Limits.DEFAULT);
    }
}
