package io.microlink.lopower.enroll;

import io.microlink.AddressText;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A device's configuration in wg-quick's format, the text a person pastes or a phone's
 * WireGuard app scans. The device routes the tailnet's ranges and the bridge's own addresses
 * (its DNS) to the bridge, nothing else, so its other traffic never enters the tunnel.
 */
public final class WgQuickText {
    /** The tailnet's address ranges: CGNAT IPv4 and tailscale's ULA /48. */
    public static final List<String> TAILNET_RANGES = List.of("100.64.0.0/10", "fd7a:115c:a1e0::/48");

    private WgQuickText() {}

    /**
     * @param privateKey base64, or null when the device keeps its own key (the line is left out
     *                   and the person adds it on the device)
     */
    public static String render(String privateKey, List<InetAddress> deviceAddresses, List<InetAddress> bridgeAddresses,
                                String bridgePublicKey, String endpoint, int keepalive) {
        StringBuilder b = new StringBuilder();
        b.append("[Interface]\n");
        if (privateKey != null) {
            b.append("PrivateKey = ").append(privateKey).append('\n');
        }
        b.append("Address = ").append(join(deviceAddresses, true)).append('\n');
        b.append("DNS = ").append(join(bridgeAddresses, false)).append('\n');
        b.append("\n[Peer]\n");
        b.append("PublicKey = ").append(bridgePublicKey).append('\n');
        b.append("Endpoint = ").append(endpoint).append('\n');
        List<String> allowed = new ArrayList<>(TAILNET_RANGES);
        allowed.add(join(bridgeAddresses, true));
        b.append("AllowedIPs = ").append(String.join(", ", allowed)).append('\n');
        if (keepalive > 0) {
            b.append("PersistentKeepalive = ").append(keepalive).append('\n');
        }
        return b.toString();
    }

    private static String join(List<InetAddress> addresses, boolean asHostRoutes) {
        return addresses.stream()
                .map(a -> AddressText.of(a) + (asHostRoutes ? (a instanceof Inet6Address ? "/128" : "/32") : ""))
                .collect(Collectors.joining(", "));
    }
}
