package io.microlink.filter;

import java.net.InetAddress;
import java.util.List;

/**
 * An inclusive range of IPv4 or IPv6 addresses as two 128-bit numbers (an IPv4 address sits in
 * the low 32 bits), parsed from the address forms of {@code tailcfg.FilterRule}.
 *
 * <pre>{@code
 * AddressRange.parse("100.64.0.0/10");           // one IPv4 range
 * AddressRange.parse("*");                       // all of IPv4 and all of IPv6
 * AddressRange.parse("cap:tailscale.com/ssh");   // empty: capabilities are not supported
 * }</pre>
 *
 * @param v6 the family: IPv6 if true, IPv4 otherwise
 */
record AddressRange(boolean v6, long firstHigh, long firstLow, long lastHigh, long lastLow) {
    private static final AddressRange ALL_V4 = new AddressRange(false, 0, 0, 0, 0xffff_ffffL);
    private static final AddressRange ALL_V6 = new AddressRange(true, 0, 0, -1, -1);

    /**
     * The ranges {@code text} names: a single address, {@code "*"}, a CIDR prefix without host
     * bits, or {@code "first-last"}. A {@code "cap:"} source names peers holding a node
     * capability, which we cannot test yet, so it names no addresses.
     *
     * @throws IllegalArgumentException if {@code text} is none of these (tailscale skips such entries)
     */
    static List<AddressRange> parse(String text) {
        if (text.equals("*")) {
            return List.of(ALL_V4, ALL_V6);
        }
        if (text.startsWith("cap:")) {
            return List.of();
        }
        int slash = text.indexOf('/');
        if (slash >= 0) {
            return List.of(prefix(address(text.substring(0, slash)), Integer.parseInt(text.substring(slash + 1))));
        }
        int dash = text.indexOf('-');
        if (dash >= 0) {
            return List.of(between(address(text.substring(0, dash)), address(text.substring(dash + 1))));
        }
        byte[] single = address(text);
        return List.of(between(single, single));
    }

    /** The top 64 bits of an address as a 128-bit number: always 0 for IPv4. */
    static long high(byte[] address) {
        return address.length == 4 ? 0 : bits(address, 0, 8);
    }

    /** The low 64 bits of an address as a 128-bit number. */
    static long low(byte[] address) {
        return address.length == 4 ? bits(address, 0, 4) : bits(address, 8, 8);
    }

    /** Orders two 128-bit numbers, unsigned. */
    static int compare(long aHigh, long aLow, long bHigh, long bLow) {
        int c = Long.compareUnsigned(aHigh, bHigh);
        return c != 0 ? c : Long.compareUnsigned(aLow, bLow);
    }

    private static long bits(byte[] b, int off, int len) {
        long v = 0;
        for (int i = off; i < off + len; i++) {
            v = (v << 8) | (b[i] & 0xff);
        }
        return v;
    }

    private static AddressRange prefix(byte[] base, int bits) {
        int width = base.length * 8;
        if (bits < 0 || bits > width) {
            throw new IllegalArgumentException("prefix length " + bits + " for a " + width + "-bit address");
        }
        int hostBits = width - bits;
        long lowMask = hostBits >= 64 ? -1 : (1L << hostBits) - 1;
        long highMask = hostBits <= 64 ? 0 : hostBits == 128 ? -1 : (1L << (hostBits - 64)) - 1;
        long high = high(base);
        long low = low(base);
        if ((high & highMask) != 0 || (low & lowMask) != 0) {
            throw new IllegalArgumentException("prefix with host bits set");
        }
        return new AddressRange(base.length == 16, high, low, high | highMask, low | lowMask);
    }

    private static AddressRange between(byte[] first, byte[] last) {
        if (first.length != last.length || compare(high(first), low(first), high(last), low(last)) > 0) {
            throw new IllegalArgumentException("not an address range");
        }
        return new AddressRange(first.length == 16, high(first), low(first), high(last), low(last));
    }

    private static byte[] address(String literal) {
        // ofLiteral never resolves names, unlike getByName.
        return InetAddress.ofLiteral(literal).getAddress();
    }
}
