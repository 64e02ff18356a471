package io.microlink;

import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * Tailnet addresses as text the way Tailscale writes them (RFC 5952): IPv6 in lower case with
 * the longest run of zero groups as {@code ::}. {@link InetAddress#getHostAddress()} writes
 * every IPv6 group out ({@code fd7a:115c:a1e0:0:0:0:0:1}), which matches neither
 * {@code tailscale ip} nor what users type.
 *
 * <pre>{@code
 * for (InetAddress a : peer.addresses()) {
 *     System.out.println(AddressText.of(a));   // 100.64.0.2, fd7a:115c:a1e0::2
 * }
 * }</pre>
 */
public final class AddressText {
    private AddressText() {}

    /**
     * {@code address} as Tailscale writes it; IPv4 as the usual dotted quad.
     *
     * @param address an IPv4 or IPv6 address
     * @return its text form
     */
    public static String of(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address.getHostAddress();
        }
        byte[] b = address.getAddress();
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = (b[2 * i] & 0xff) << 8 | b[2 * i + 1] & 0xff;
        }
        int bestStart = -1;
        int bestLength = 1; // a single zero group is written out, not shortened
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = Math.max(j, i + 1);
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLength - 1;
                continue;
            }
            if (!sb.isEmpty() && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(groups[i]));
        }
        return sb.toString();
    }
}
