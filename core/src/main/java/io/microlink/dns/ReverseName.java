package io.microlink.dns;

import java.net.InetAddress;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The address a reverse-lookup name stands for: {@code 4.3.2.1.in-addr.arpa.} is 1.2.3.4 and
 * {@code b.a.9.8…ip6.arpa.} is the IPv6 address whose 32 nibbles are listed last first.
 */
final class ReverseName {
    static final String IPV4_SUFFIX = ".in-addr.arpa.";
    static final String IPV6_SUFFIX = ".ip6.arpa.";
    /** A decimal byte as an address literal spells it: no sign, no leading zero. */
    private static final Pattern DECIMAL_BYTE = Pattern.compile("0|[1-9][0-9]{0,2}");
    private static final Pattern NIBBLE = Pattern.compile("[0-9a-f]");

    private ReverseName() {}

    /** The address of canonical {@code name}, or empty when it is no well-formed reverse name. */
    static Optional<InetAddress> address(String name) {
        if (name.endsWith(IPV4_SUFFIX)) {
            return ipv4(name.substring(0, name.length() - IPV4_SUFFIX.length()).split("\\.", -1));
        }
        if (name.endsWith(IPV6_SUFFIX)) {
            return ipv6(name.substring(0, name.length() - IPV6_SUFFIX.length()).split("\\.", -1));
        }
        return Optional.empty();
    }

    private static Optional<InetAddress> ipv4(String[] labels) {
        if (labels.length != 4) {
            return Optional.empty();
        }
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            String label = labels[3 - i];
            if (!DECIMAL_BYTE.matcher(label).matches() || Integer.parseInt(label) > 255) {
                return Optional.empty();
            }
            bytes[i] = (byte) Integer.parseInt(label);
        }
        return Optional.of(DnsRdata.Address.of(bytes).address());
    }

    private static Optional<InetAddress> ipv6(String[] labels) {
        if (labels.length != 32) {
            return Optional.empty();
        }
        byte[] bytes = new byte[16];
        for (int i = 0; i < 32; i++) {
            String label = labels[31 - i];
            if (!NIBBLE.matcher(label).matches()) {
                return Optional.empty();
            }
            int nibble = Character.digit(label.charAt(0), 16);
            bytes[i / 2] |= (byte) (i % 2 == 0 ? nibble << 4 : nibble);
        }
        return Optional.of(DnsRdata.Address.of(bytes).address());
    }
}
