package io.microlink.netstack.ip;

/**
 * IP protocol numbers (the IPv4 Protocol and IPv6 Next Header values, IANA "Assigned Internet
 * Protocol Numbers") that the netstack reads or writes, in one place.
 *
 * <pre>{@code
 * if (packet.protocol() == IpProtocol.UDP) { ... }
 * }</pre>
 */
public final class IpProtocol {
    private IpProtocol() {}

    public static final int IPV6_HOP_BY_HOP = 0;
    public static final int ICMP = 1;
    public static final int IGMP = 2;
    public static final int TCP = 6;
    public static final int UDP = 17;
    public static final int IPV6_ROUTING = 43;
    public static final int IPV6_FRAGMENT = 44;
    public static final int ICMPV6 = 58;
    public static final int IPV6_DESTINATION_OPTIONS = 60;
    /** Tailscale's own message protocol, only ever inside WireGuard. */
    public static final int TSMP = 99;
    public static final int SCTP = 132;
}
