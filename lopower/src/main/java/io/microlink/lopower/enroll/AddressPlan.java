package io.microlink.lopower.enroll;

import io.microlink.lopower.LopowerException;
import io.microlink.wireguard.config.IpPrefix;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The device side's addresses: an IPv6 prefix always, an IPv4 prefix optionally. Host number 1
 * of each is the bridge; device {@code n} (2, 3, ...) gets host number {@code n} of both, so a
 * device's two addresses are easy to tell together.
 *
 * @param ipv6 the IPv6 prefix, at most /112
 * @param ipv4 the IPv4 prefix, at most /30, or null when the device side has no IPv4
 */
public record AddressPlan(IpPrefix ipv6, IpPrefix ipv4) {
    /** Where tailscale's own LOPOWER puts its devices: a /64 of the tailnet's ULA range. */
    public static final String DEFAULT_IPV6 = "fd7a:115c:a1e0:9909::/64";
    public static final String DEFAULT_IPV4 = "10.90.0.0/24";
    /** Devices one bridge enrolls at most, whatever the prefixes allow: bounds its tables. */
    public static final int MAX_DEVICES = 4096;

    public AddressPlan {
        if (!(ipv6.address() instanceof Inet6Address) || ipv6.length() > 112) {
            throw new IllegalArgumentException("the IPv6 prefix must be an IPv6 prefix of /112 or shorter, not " + ipv6);
        }
        if (ipv4 != null && (!(ipv4.address() instanceof Inet4Address) || ipv4.length() > 30)) {
            throw new IllegalArgumentException("the IPv4 prefix must be an IPv4 prefix of /30 or shorter, not " + ipv4);
        }
        ipv6 = normalized(ipv6);
        ipv4 = ipv4 == null ? null : normalized(ipv4);
    }

    /** Parses the two prefixes; {@code ipv4} null or empty for none. */
    public static AddressPlan parse(String ipv6, String ipv4) throws LopowerException {
        try {
            return new AddressPlan(IpPrefix.parse(ipv6), ipv4 == null || ipv4.isEmpty() ? null : IpPrefix.parse(ipv4));
        } catch (IllegalArgumentException e) {
            throw new LopowerException(e.getMessage());
        }
    }

    /** The bridge's own addresses: its DNS addresses and the devices' gateway. */
    public List<InetAddress> bridgeAddresses() {
        return addressesOf(1);
    }

    /** The addresses of host number {@code n}, IPv6 first. */
    public List<InetAddress> addressesOf(int n) {
        List<InetAddress> out = new ArrayList<>(2);
        out.add(host(ipv6, n));
        if (ipv4 != null) {
            out.add(host(ipv4, n));
        }
        return out;
    }

    /** The lowest host number from 2 up that no device holds. */
    public int nextFree(Collection<Integer> taken) throws LopowerException {
        int last = lastHost();
        for (int n = 2; n <= last; n++) {
            if (!taken.contains(n)) {
                return n;
            }
        }
        throw new LopowerException("the address pool is exhausted: " + (last - 1) + " devices already"
                + (ipv4 != null && last < MAX_DEVICES + 1 ? " (the IPv4 prefix " + ipv4 + " is the limit)" : ""));
    }

    /** Whether {@code address} is in one of the device-side prefixes. */
    public boolean contains(byte[] address) {
        IpPrefix p = address.length == 16 ? ipv6 : ipv4;
        return p != null && inPrefix(p, address);
    }

    static boolean inPrefix(IpPrefix p, byte[] address) {
        byte[] base = p.address().getAddress();
        if (base.length != address.length) {
            return false;
        }
        int bits = p.length();
        for (int i = 0; i < base.length && bits > 0; i++, bits -= 8) {
            int mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
            if (((base[i] ^ address[i]) & mask) != 0) {
                return false;
            }
        }
        return true;
    }

    private int lastHost() {
        long v6 = (1L << Math.min(62, 128 - ipv6.length())) - 1;
        long limit = Math.min(v6, MAX_DEVICES + 1);
        if (ipv4 != null) {
            limit = Math.min(limit, (1L << (32 - ipv4.length())) - 2); // not the broadcast address
        }
        return (int) limit;
    }

    private static InetAddress host(IpPrefix p, int n) {
        byte[] b = p.address().getAddress();
        long carry = n;
        for (int i = b.length - 1; i >= 0 && carry != 0; i--) {
            long sum = (b[i] & 0xff) + (carry & 0xff);
            b[i] = (byte) sum;
            carry = (carry >>> 8) + (sum >>> 8);
        }
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new AssertionError("4 or 16 bytes are an address", e);
        }
    }

    private static IpPrefix normalized(IpPrefix p) {
        byte[] b = p.address().getAddress();
        int bits = p.length();
        for (int i = 0; i < b.length; i++, bits -= 8) {
            b[i] &= (byte) (bits >= 8 ? 0xff : bits <= 0 ? 0 : (0xff << (8 - bits)));
        }
        try {
            return new IpPrefix(InetAddress.getByAddress(b), p.length());
        } catch (UnknownHostException e) {
            throw new AssertionError("4 or 16 bytes are an address", e);
        }
    }
}
