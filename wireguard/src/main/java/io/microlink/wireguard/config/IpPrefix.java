package io.microlink.wireguard.config;

import java.net.InetAddress;

/**
 * An address with a prefix length, "10.0.0.1/24" or "fd00::1/64"; a bare address is a host route.
 *
 * @param address the network address
 * @param length the prefix length in bits
 */
public record IpPrefix(InetAddress address, int length) {
    /**
     * Checks the prefix length against the address family.
     *
     * @throws IllegalArgumentException if the length is negative or longer than the address
     */
    public IpPrefix {
        int max = address.getAddress().length * 8;
        if (length < 0 || length > max) {
            throw new IllegalArgumentException("prefix length " + length + " out of range 0-" + max);
        }
    }

    /**
     * Parses numeric forms only: no name is ever looked up.
     *
     * @param text {@code address/length}, or an address alone for a single host
     * @return the prefix
     * @throws IllegalArgumentException if the text is not a numeric prefix
     */
    public static IpPrefix parse(String text) {
        String t = text.strip();
        int slash = t.indexOf('/');
        String addr = slash < 0 ? t : t.substring(0, slash);
        InetAddress a;
        try {
            a = InetAddress.ofLiteral(addr);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + addr + "' is not an IP address");
        }
        int max = a.getAddress().length * 8;
        if (slash < 0) {
            return new IpPrefix(a, max);
        }
        try {
            return new IpPrefix(a, Integer.parseInt(t.substring(slash + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + t.substring(slash + 1) + "' is not a prefix length");
        }
    }

    @Override
    public String toString() {
        return address.getHostAddress() + "/" + length;
    }
}
