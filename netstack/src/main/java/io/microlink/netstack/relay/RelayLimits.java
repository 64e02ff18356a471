package io.microlink.netstack.relay;

import io.microlink.netstack.tcp.TcpConfig;
import java.time.Duration;

/**
 * What a {@link RelayService} may hold for the network at once.
 *
 * @param tcpPerOwner   TCP connections one owner (a peer, a device) may have relayed at once
 * @param tcpTotal      TCP connections all owners together
 * @param halfOpenPerSource connections one client address may hold in their handshake (SYN
 *                      answered, ACK not come yet) of the stack's {@link TcpConfig#maxHalfOpen}:
 *                      a client that floods SYNs and ignores the answers fills its own share only
 * @param udpPerOwner   UDP flows one owner may hold at once
 * @param udpTotal      UDP flows all owners together
 * @param udpIdle       a UDP flow with no datagram either way for this long is closed
 * @param pingsInFlight pings waiting for the real host's answer at once
 * @param dialTimeout   how long a TCP connection to the far side may take to open
 * @param pingTimeout   how long a ping waits for the real host
 */
public record RelayLimits(int tcpPerOwner, int tcpTotal, int halfOpenPerSource, int udpPerOwner, int udpTotal,
                          Duration udpIdle, int pingsInFlight, Duration dialTimeout, Duration pingTimeout) {
    /**
     * 256 connections and 256 flows per owner, 1,024 of each in all, no half-open share of its
     * own (one client may hold every handshake slot), flows idle for 60 s closed (tailscaled's
     * netstack forwarder closes idle UDP after a minute too), 128 pings in flight, 10 s to
     * connect, 2 s for a ping.
     */
    public static final RelayLimits DEFAULTS = new RelayLimits(256, 1024,
            TcpConfig.defaults().maxHalfOpen(), 256, 1024, Duration.ofSeconds(60), 128,
            Duration.ofSeconds(10), Duration.ofSeconds(2));

    /** Checks every limit is positive. */
    public RelayLimits {
        if (tcpPerOwner < 1 || tcpTotal < 1 || halfOpenPerSource < 1 || udpPerOwner < 1 || udpTotal < 1
                || pingsInFlight < 1 || udpIdle.isNegative() || udpIdle.isZero() || dialTimeout.isNegative() || pingTimeout.isNegative()) {
            throw new IllegalArgumentException("relay limits must be positive: " + this);
        }
    }
}
