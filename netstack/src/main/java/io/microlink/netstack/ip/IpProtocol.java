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

    /** IPv6 hop-by-hop options extension header. */
    public static final int IPV6_HOP_BY_HOP = 0;
    /** ICMP for IPv4. */
    public static final int ICMP = 1;
    /** IGMP. */
    public static final int IGMP = 2;
    /** TCP. */
    public static final int TCP = 6;
    /** UDP. */
    public static final int UDP = 17;
    /** IPv6 routing extension header. */
    public static final int IPV6_ROUTING = 43;
    /** IPv6 fragment extension header. */
    public static final int IPV6_FRAGMENT = 44;
    /** ICMPv6. */
    public static final int ICMPV6 = 58;
    /** IPv6 destination options extension header. */
    public static final int IPV6_DESTINATION_OPTIONS = 60;
    /** Tailscale's own message protocol, only ever inside WireGuard. */
    public static final int TSMP = 99;
    /** SCTP. */
    public static final int SCTP = 132;
}
