package io.microlink.dns;

import io.microlink.route.Via;
import java.net.Inet6Address;
import java.util.Optional;

/**
 * MagicDNS names of 4via6 hosts, sans I/O, as tailscale's resolver reads them
 * ({@code net/dns/resolver/tsdns.go} {@code resolveViaDomain}): the first label is the IPv4 address
 * with hyphens for dots, {@code -via-} and the site ID, as in {@code 10-1-1-5-via-7}; the name is
 * that one label, or that label under ts.net or tailscale.net, or (beyond tailscale, for tailnets
 * whose control names them otherwise, as headscale does) under the tailnet's own MagicDNS suffix.
 * The site ID is read as Go's {@code strconv.ParseUint(s, 0, 32)} reads it: decimal, 0x hex, 0o
 * or a leading 0 for octal, 0b binary, up to 2^32-1 (digit-separating underscores are not taken).
 *
 * <pre>{@code
 * ViaNames.address("10-1-1-5-via-7.", Optional.empty()); // fd7a:115c:a1e0:b1a:0:7:a01:105
 * }</pre>
 */
final class ViaNames {
    private static final String MARK = "-via-";
    private static final long MAX_SITE_ID = 0xFFFF_FFFFL;

    private ViaNames() {}

    /**
     * The via address a name stands for.
     *
     * @param name          a canonical name ({@link DnsNames#canonical})
     * @param tailnetSuffix the tailnet's MagicDNS suffix ({@code tailnet.test.}), if known
     * @return the address, or empty when the name is not a 4via6 name
     */
    static Optional<Inet6Address> address(String name, Optional<String> tailnetSuffix) {
        int dot = name.indexOf('.');
        String first = name.substring(0, dot);
        String rest = name.substring(dot + 1);
        boolean under = rest.isEmpty() || DnsNames.within(rest, "ts.net.") || DnsNames.within(rest, "tailscale.net.")
                || tailnetSuffix.map(rest::equals).orElse(false);
        int mark = first.indexOf(MARK);
        if (!under || mark < 0) {
            return Optional.empty();
        }
        Optional<byte[]> ipv4 = ipv4(first.substring(0, mark).replace('-', '.'));
        long site = siteId(first.substring(mark + MARK.length()));
        if (ipv4.isEmpty() || site < 0) {
            return Optional.empty();
        }
        return Optional.of(Via.address(site, ipv4.get()));
    }

    /** Four decimal fields of 0 to 255 without leading zeros, as Go's {@code netip.ParseAddr} takes IPv4. */
    private static Optional<byte[]> ipv4(String text) {
        String[] fields = text.split("\\.", -1);
        if (fields.length != 4) {
            return Optional.empty();
        }
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            String f = fields[i];
            if (f.isEmpty() || f.length() > 3 || f.length() > 1 && f.charAt(0) == '0'
                    || !f.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return Optional.empty();
            }
            int v = Integer.parseInt(f);
            if (v > 255) {
                return Optional.empty();
            }
            out[i] = (byte) v;
        }
        return Optional.of(out);
    }

    /** The site ID in Go's base-0 syntax, or -1 when it is not one or exceeds 32 bits. */
    private static long siteId(String text) {
        int radix = 10;
        String digits = text;
        if (text.length() > 2 && text.charAt(0) == '0' && "xob".indexOf(text.charAt(1)) >= 0) {
            radix = switch (text.charAt(1)) {
                case 'x' -> 16;
                case 'o' -> 8;
                default -> 2;
            };
            digits = text.substring(2);
        } else if (text.length() > 1 && text.charAt(0) == '0') {
            radix = 8;
            digits = text.substring(1);
        }
        if (digits.isEmpty() || digits.length() > 32 || digits.charAt(0) == '+' || digits.charAt(0) == '-') {
            return -1;
        }
        try {
            long v = Long.parseLong(digits, radix);
            return v <= MAX_SITE_ID ? v : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
