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
    /** 0 to 255 as an address literal spells it: no sign, no leading zero. */
    private static final Pattern DECIMAL_BYTE = Pattern.compile("25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d");
    private static final Pattern NIBBLE = Pattern.compile("[0-9a-f]");

    private ReverseName() {}

    /** The address of canonical {@code name}, or empty when it is no well-formed reverse name. */
    static Optional<InetAddress> address(String name) {
        if (name.endsWith(IPV4_SUFFIX)) {
            return literal(name.substring(0, name.length() - IPV4_SUFFIX.length()), 4, DECIMAL_BYTE, 1, '.');
        }
        if (name.endsWith(IPV6_SUFFIX)) {
            return literal(name.substring(0, name.length() - IPV6_SUFFIX.length()), 32, NIBBLE, 4, ':');
        }
        return Optional.empty();
    }

    /**
     * The address whose {@code count} parts, each matching {@code part}, are the labels of
     * {@code reversed} least significant first; written as a literal most significant first with
     * {@code separator} between groups of {@code perGroup} parts.
     */
    private static Optional<InetAddress> literal(String reversed, int count, Pattern part, int perGroup,
                                                 char separator) {
        String[] labels = reversed.split("\\.", -1);
        if (labels.length != count) {
            return Optional.empty();
        }
        StringBuilder literal = new StringBuilder();
        for (int written = 0; written < count; written++) {
            String label = labels[count - 1 - written];
            if (!part.matcher(label).matches()) {
                return Optional.empty();
            }
            if (written > 0 && written % perGroup == 0) {
                literal.append(separator);
            }
            literal.append(label);
        }
        return Optional.of(InetAddress.ofLiteral(literal.toString()));
    }
}
