package io.microlink.netstack.ip;

/**
 * Classifies raw IPv4 (4-byte) and IPv6 (16-byte) addresses for the ICMP rules that only answer
 * a single host (RFC 1122 section 3.2.2, RFC 4443 section 2.4).
 *
 * <pre>{@code
 * if (IpAddresses.isSingleHost(packet.source())) { ... }
 * }</pre>
 */
public final class IpAddresses {
    private IpAddresses() {}

    /**
     * Whether the address names one host we could answer: not unspecified, loopback, multicast
     * or broadcast (for IPv4 also not the reserved 240/4, which holds the broadcast address).
     *
     * @param address 4 or 16 bytes
     * @return {@code true} for one host
     */
    public static boolean isSingleHost(byte[] address) {
        if (address.length == 4) {
            int first = address[0] & 0xff;
            return first != 0 && first != 127 && first < 224;
        }
        if ((address[0] & 0xff) == 0xff) {
            return false;
        }
        for (int i = 0; i < 15; i++) {
            if (address[i] != 0) {
                return true;
            }
        }
        return address[15] > 1; // :: and ::1
    }
}
