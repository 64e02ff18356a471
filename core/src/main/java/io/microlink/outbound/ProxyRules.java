package io.microlink.outbound;

import java.net.InetAddress;
import java.util.Locale;
import java.util.Map;

/**
 * Which proxy, if any, a control or DERP connection goes through. Loopback targets always go
 * direct. Three kinds:
 * <ul>
 *   <li>{@link #fromEnvironment}: as tailscaled (Go's {@code ProxyFromEnvironment}):
 *       {@code HTTPS_PROXY} (or {@code https_proxy}) for an {@code https} target,
 *       {@code HTTP_PROXY} (or {@code http_proxy}) for an {@code http} one, the upper-case name
 *       first; {@code NO_PROXY} (or {@code no_proxy}) exempts hosts ({@link NoProxy}). A value
 *       may name a SOCKS5 proxy ({@code socks5://}, {@code socks5h://}), as Go's reader allows.
 *       {@code ALL_PROXY} is not read: tailscaled's reader ({@code golang.org/x/net/http/httpproxy})
 *       does not read it either, and a variable meant for other programs must not silently
 *       reroute control;</li>
 *   <li>{@link #fixed}: one proxy for everything, whatever the environment says;</li>
 *   <li>{@link #direct}: no proxy.</li>
 * </ul>
 */
public final class ProxyRules {
    private static final ProxyRules DIRECT = new ProxyRules(null, null, NoProxy.parse(null), "direct");

    private final OutboundProxy forHttps;
    private final OutboundProxy forHttp;
    private final NoProxy exempt;
    private final String description;

    private ProxyRules(OutboundProxy forHttps, OutboundProxy forHttp, NoProxy exempt, String description) {
        this.forHttps = forHttps;
        this.forHttp = forHttp;
        this.exempt = exempt;
        this.description = description;
    }

    /**
     * Rules without any proxy.
     *
     * @return rules without any proxy
     */
    public static ProxyRules direct() {
        return DIRECT;
    }

    /**
     * One proxy for every target but loopback, whatever the environment says.
     *
     * @param proxy the proxy for every target but loopback
     * @return rules with that one proxy
     */
    public static ProxyRules fixed(OutboundProxy proxy) {
        return new ProxyRules(proxy, proxy, NoProxy.parse(null), proxy.toString());
    }

    /**
     * The rules a setting asks for: {@code "direct"} for none, a proxy URL for {@link #fixed}, or
     * null (or blank) for {@link #fromEnvironment}.
     *
     * @param setting "direct", a proxy URL, or null
     * @param env     the environment to read without a setting
     * @return the rules
     * @throws IllegalArgumentException if the setting or, without one, a proxy variable is no
     *                                  usable proxy URL
     */
    public static ProxyRules of(String setting, Map<String, String> env) {
        if (setting == null || setting.isBlank()) {
            return fromEnvironment(env);
        }
        return setting.strip().equalsIgnoreCase("direct") ? DIRECT : fixed(OutboundProxy.parse(setting));
    }

    /**
     * The rules the environment sets, read once.
     *
     * @param env the environment, e.g. {@code System.getenv()}
     * @return the rules, {@link #direct()} when no proxy variable is set
     * @throws IllegalArgumentException naming the variable whose value is no usable proxy URL
     */
    public static ProxyRules fromEnvironment(Map<String, String> env) {
        OutboundProxy https = variable(env, "HTTPS_PROXY");
        OutboundProxy http = variable(env, "HTTP_PROXY");
        if (https == null && http == null) {
            return value(env, "ALL_PROXY") == null ? DIRECT : new ProxyRules(null, null, NoProxy.parse(null),
                    "direct (ALL_PROXY is not read, as tailscaled does not read it: set HTTPS_PROXY and HTTP_PROXY,"
                            + " or --outbound-proxy)");
        }
        String noProxy = value(env, "NO_PROXY");
        return new ProxyRules(https, http, NoProxy.parse(noProxy),
                "from the environment: https " + (https == null ? "direct" : https)
                        + ", http " + (http == null ? "direct" : http) + (noProxy == null ? "" : ", NO_PROXY set"));
    }

    private static OutboundProxy variable(Map<String, String> env, String name) {
        String v = value(env, name);
        if (v == null) {
            return null;
        }
        try {
            return OutboundProxy.parse(v);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": " + e.getMessage());
        }
    }

    private static String value(Map<String, String> env, String name) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            v = env.get(name.toLowerCase(Locale.ROOT));
        }
        return v == null || v.isBlank() ? null : v;
    }

    /**
     * The proxy for a connection to {@code host:port} on behalf of a {@code scheme} URL, or null
     * to go direct.
     *
     * @param scheme {@code https} or {@code http}: what the connection would be without a proxy
     * @param host   the target's host name or IP literal
     * @param port   the target's port
     * @return the proxy, or null for a direct connection
     */
    public OutboundProxy proxyFor(String scheme, String host, int port) {
        OutboundProxy p = "https".equalsIgnoreCase(scheme) ? forHttps : forHttp;
        if (p == null || isLoopback(host) || exempt.exempts(host, port)) {
            return null;
        }
        return p;
    }

    /**
     * Whether any target could go through a proxy.
     *
     * @return whether any target could go through a proxy
     */
    public boolean any() {
        return forHttps != null || forHttp != null;
    }

    private static boolean isLoopback(String host) {
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        byte[] ip = NoProxy.literal(host.startsWith("[") ? host.substring(1, host.length() - 1) : host);
        try {
            return ip != null && InetAddress.getByAddress(ip).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false; // a literal's bytes are always 4 or 16 long
        }
    }

    /** Which proxies apply, without any credentials: for a log line. */
    @Override
    public String toString() {
        return description;
    }
}
