package io.microlink.wireguard.session;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * A peer reached over plain UDP at one address: what {@code WireGuardDevice} and any other
 * socket-based runtime give the engine. Equal when the socket addresses are.
 *
 * @param address a resolved address (an unresolved one could not be sent to)
 */
public record UdpEndpoint(InetSocketAddress address) implements Endpoint {
    /**
     * Checks that the address is resolved.
     *
     * @throws IllegalArgumentException for an unresolved address
     */
    public UdpEndpoint {
        Objects.requireNonNull(address, "address");
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("unresolved endpoint " + address);
        }
    }

    @Override
    public byte[] cookieBytes() {
        byte[] ip = address.getAddress().getAddress();
        return ByteBuffer.allocate(ip.length + 2).put(ip).putShort((short) address.getPort()).array();
    }

    /**
     * An IPv4 source by its address; an IPv6 source by its /64, as Linux's WireGuard keys its
     * limiter: one host usually holds a whole /64, and would otherwise get a fresh bucket for
     * each of its 2^64 addresses.
     */
    @Override
    public InetAddress rateLimitKey() {
        InetAddress ip = address.getAddress();
        if (!(ip instanceof Inet6Address)) {
            return ip;
        }
        byte[] prefix = Arrays.copyOf(ip.getAddress(), 16);
        Arrays.fill(prefix, 8, 16, (byte) 0);
        try {
            return InetAddress.getByAddress(prefix);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError("16 bytes are always an IPv6 address", e);
        }
    }

    /** {@code 192.0.2.1:51820}, {@code [2001:db8:0:0:0:0:0:1]:51820} (the JDK's IPv6 text). */
    @Override
    public String toString() {
        InetAddress ip = address.getAddress();
        String host = ip.getHostAddress();
        return (ip instanceof Inet6Address ? "[" + host + "]" : host) + ":" + address.getPort();
    }
}
