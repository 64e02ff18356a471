package io.microlink.route;

import io.microlink.AddressText;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Optional;

/**
 * An IP prefix as control writes it ({@code 10.77.0.0/24}, {@code ::/0}, or a bare address for
 * a single host). Parsing never looks a name up: only literals are read.
 *
 * <pre>{@code
 * Prefix subnet = Prefix.parse("10.77.0.0/24").orElseThrow();
 * boolean in = subnet.contains(InetAddress.ofLiteral("10.77.0.5")); // true
 * }</pre>
 *
 * @param address the prefix's first address, host bits cleared
 * @param bits    the prefix length
 */
public record Prefix(InetAddress address, int bits) {
    /** The prefix {@code text} names, or empty for text that is not a literal prefix. */
    public static Optional<Prefix> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        int slash = text.indexOf('/');
        try {
            InetAddress ip = InetAddress.ofLiteral(slash < 0 ? text : text.substring(0, slash));
            int max = ip.getAddress().length * 8;
            int bits = slash < 0 ? max : Integer.parseInt(text.substring(slash + 1));
            if (bits < 0 || bits > max) {
                return Optional.empty();
            }
            return Optional.of(new Prefix(InetAddress.getByAddress(masked(ip.getAddress(), bits)), bits));
        } catch (IllegalArgumentException | UnknownHostException e) { // NumberFormatException is one too
            return Optional.empty();
        }
    }

    /** Whether {@code ip} (of the same family) lies in this prefix. */
    public boolean contains(InetAddress ip) {
        byte[] a = ip.getAddress();
        byte[] p = address.getAddress();
        return a.length == p.length && Arrays.equals(masked(a, bits), p);
    }

    /** Whether every address of {@code other} (of the same family) lies in this prefix: it is this one or inside it. */
    public boolean covers(Prefix other) {
        return bits <= other.bits && contains(other.address);
    }

    /** Whether this is a default route, 0.0.0.0/0 or ::/0: what an exit node offers. */
    public boolean isDefault() {
        return bits == 0;
    }

    /** Whether it names one host (/32 or /128). */
    public boolean isSingleAddress() {
        return bits == address.getAddress().length * 8;
    }

    @Override
    public String toString() {
        return AddressText.of(address) + "/" + bits;
    }

    private static byte[] masked(byte[] a, int bits) {
        byte[] m = a.clone();
        for (int i = 0; i < m.length; i++) {
            int keep = Math.clamp(bits - i * 8L, 0, 8);
            m[i] &= (byte) (0xff << (8 - keep));
        }
        return m;
    }
}
