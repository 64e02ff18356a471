package io.microlink.filter;

/**
 * The destination classes tailscale's filter drops before looking at any rule: a tailnet peer
 * has no business sending us multicast or link-local traffic.
 *
 * <pre>{@code
 * if (SpecialAddresses.isMulticast(packet.destination())) { drop(); }
 * }</pre>
 */
final class SpecialAddresses {
    private SpecialAddresses() {}

    /** 224.0.0.0/4 or ff00::/8. */
    static boolean isMulticast(byte[] address) {
        return address.length == 4 ? (address[0] & 0xf0) == 0xe0 : (address[0] & 0xff) == 0xff;
    }

    /**
     * 169.254.0.0/16 or fe80::/10. tailscale exempts 169.254.169.254 (a cloud metadata and DNS
     * address), but that is never one of our own addresses, so the packet is dropped either way.
     */
    static boolean isLinkLocal(byte[] address) {
        return address.length == 4
                ? (address[0] & 0xff) == 169 && (address[1] & 0xff) == 254
                : (address[0] & 0xff) == 0xfe && (address[1] & 0xc0) == 0x80;
    }
}
