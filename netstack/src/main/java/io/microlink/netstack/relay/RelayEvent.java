package io.microlink.netstack.relay;

/** What a {@link RelayService} did or refused, counted in its {@code EventCounters}. */
public enum RelayEvent {
    /** A TCP connection carried on to where its client meant to go. */
    TCP_CONNECTIONS_RELAYED,
    /** A TCP connection whose far side could not be opened: the client got a reset. */
    TCP_DIAL_FAILED,
    /** A TCP connection closed, both ends, after {@link RelayLimits#tcpIdle} without a byte either way. */
    TCP_CONNECTIONS_EXPIRED,
    /** A TCP connection past its owner's or the total limit: the client got a reset. */
    REFUSED_TCP_LIMIT,
    /** A UDP flow given a socket of its own. */
    UDP_FLOWS_OPENED,
    /** A UDP flow past its owner's or the total limit: the datagram was dropped. */
    REFUSED_UDP_LIMIT,
    /** A UDP flow whose socket could not be opened, or a datagram it could not send. */
    UDP_SEND_FAILED,
    /** A UDP flow closed after {@link RelayLimits#udpIdle} without a datagram. */
    UDP_FLOWS_EXPIRED,
    /** A ping answered after the real host answered the relay's own. */
    PINGS_ANSWERED,
    /** A ping dropped because the most pings allowed were waiting already. */
    REFUSED_PINGS_IN_FLIGHT,
    /** A packet or connection from an address with no owner (nobody it may be relayed for). */
    REFUSED_NO_OWNER,
    /** A connection or datagram whose handling threw: dropped by {@code DroppedInput}. */
    DROPPED_FAILED
}
