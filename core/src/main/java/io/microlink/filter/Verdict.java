package io.microlink.filter;

/**
 * What the {@link Firewall} decided about an inbound packet, and why: one constant per step of
 * tailscale's {@code filter.RunIn}, for drop counters and debug logs.
 *
 * <pre>{@code
 * Verdict v = firewall.inbound(packet, 0, length);
 * if (!v.accepted()) { dropCounters.increment(v); }
 * }</pre>
 */
public enum Verdict {
    /** A TSMP ping, pong or disco key advertisement: handled before any filtering. */
    TSMP_CONTROL(true),
    /** No netmap yet, so no rules and no known addresses of our own. */
    NO_NETMAP(false),
    /** Nothing to deliver (tailscale passes empty WireGuard keepalives on; we have no use for them). */
    EMPTY(false),
    /** Shorter than an IP header, or an IP header that does not hold together. */
    MALFORMED(false),
    /** Protocol 0 or 255, or a transport header too short to read ports and flags from. */
    UNKNOWN_PROTOCOL(false),
    /** A non-first fragment starting inside the first 80 bytes, where it could rewrite the ports. */
    TINY_FRAGMENT(false),
    MULTICAST(false),
    LINK_LOCAL(false),
    /** A later fragment: its first fragment carried the ports and was filtered. */
    FRAGMENT(true),
    /** Not addressed to one of this node's own addresses. */
    NOT_LOCAL(false),
    /** An ICMP echo reply or error message. */
    ICMP_REPLY(true),
    /** Other ICMP, from and to addresses some rule covers. */
    ICMP_ALLOWED(true),
    /** A TCP segment of an existing connection: tailscale's filter is stateless for TCP. */
    TCP_NON_SYN(true),
    /** A TCP SYN, UDP or SCTP packet whose protocol, addresses and port a rule admits. */
    PORT_ALLOWED(true),
    /** A UDP or SCTP reply to a flow this node started. */
    FLOW_REPLY(true),
    /** TSMP other than ping, pong and advertisement (a rejection notice). */
    TSMP(true),
    /** Another protocol that a rule names with every port open. */
    PROTOCOL_ALLOWED(true),
    /** No rule admits it. */
    NO_RULE(false);

    private final boolean accepted;

    Verdict(boolean accepted) {
        this.accepted = accepted;
    }

    /** Whether the packet goes on to the netstack. */
    public boolean accepted() {
        return accepted;
    }
}
