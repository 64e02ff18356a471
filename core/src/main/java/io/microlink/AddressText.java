package io.microlink;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.regex.Pattern;

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
    /** Only these characters make an address literal: a name would need a lookup, perhaps through the resolver being set. */
    private static final Pattern LITERAL = Pattern.compile("[0-9.]+|[0-9a-fA-F:]+");

    private AddressText() {}

    /**
     * An IP literal with an optional port: {@code 192.0.2.1}, {@code 192.0.2.1:5353},
     * {@code 2001:db8::1} or {@code [2001:db8::1]:5353}; empty for anything else (names, URLs,
     * ports outside 1-65535). No name is ever looked up.
     *
     * @param text        the text to read
     * @param defaultPort the port when the text names none
     * @return the address, or empty if the text is not an IP literal with a valid port
     */
    public static Optional<InetSocketAddress> socketAddress(String text, int defaultPort) {
        if (text == null) {
            return Optional.empty();
        }
        String host = text;
        int port = defaultPort;
        try {
            if (text.startsWith("[") && text.contains("]:")) {
                host = text.substring(1, text.indexOf(']'));
                port = Integer.parseInt(text.substring(text.indexOf("]:") + 2));
            } else if (text.indexOf(':') > 0 && text.indexOf(':') == text.lastIndexOf(':')) {
                host = text.substring(0, text.indexOf(':'));
                port = Integer.parseInt(text.substring(text.indexOf(':') + 1));
            }
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        if (port < 1 || port > 65535 || !LITERAL.matcher(host).matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new InetSocketAddress(InetAddress.ofLiteral(host), port));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

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
