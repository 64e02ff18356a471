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
 * @param tcpIdle       a relayed TCP connection with no byte either way for this long is closed,
 *                      both ends (keep-alive probes carry no byte, so they do not count)
 */
public record RelayLimits(int tcpPerOwner, int tcpTotal, int halfOpenPerSource, int udpPerOwner, int udpTotal,
                          Duration udpIdle, int pingsInFlight, Duration dialTimeout, Duration pingTimeout,
                          Duration tcpIdle) {
    /**
     * Heap one relayed TCP connection holds of the relay's own: {@code StreamRelay}'s two 32 KiB
     * copy buffers, and its two virtual threads and socket objects. The netstack's buffers of the
     * connection are its stack's, bounded by {@link TcpConfig#maxBufferBytes}.
     */
    static final long TCP_CONNECTION_BYTES = 72 * 1024;
    /**
     * Heap one UDP flow holds: a reply buffer of one tunnel packet ({@link OsRelayTarget}), its
     * reader's virtual thread and the channel; about 5.2 KB measured.
     */
    static final long UDP_FLOW_BYTES = 6 * 1024;
    /** The most of each kind, however large the heap. */
    private static final int MOST = 1024;
    /** Each owner may hold this share of a total: at least four owners fill it. */
    private static final int OWNERS_TO_FILL = 4;
    /** As tailscaled's netstack forwarder closes idle UDP after a minute. */
    private static final Duration UDP_IDLE = Duration.ofSeconds(60);
    /**
     * An hour, as a stateful firewall's default for established TCP (Cisco ASA's): a session that
     * must idle longer sends something now and then (SSH's {@code ServerAliveInterval}).
     */
    static final Duration TCP_IDLE = Duration.ofHours(1);

    /**
     * The defaults for this JVM's heap ({@link #forHeap} of {@link Runtime#maxMemory()}): 1,024
     * connections and 1,024 flows in all, 256 of each per owner, from a heap of 384 MiB up; fewer
     * below (the launcher's {@code -Xmx96m} with the serial collector: 247 connections, 61 per
     * owner, and 990 flows, 247 per owner).
     */
    public static final RelayLimits DEFAULTS = forHeap(Runtime.getRuntime().maxMemory());

    /** Checks every limit is positive. */
    public RelayLimits {
        if (tcpPerOwner < 1 || tcpTotal < 1 || halfOpenPerSource < 1 || udpPerOwner < 1 || udpTotal < 1
                || pingsInFlight < 1 || udpIdle.isNegative() || udpIdle.isZero() || dialTimeout.isNegative()
                || pingTimeout.isNegative() || tcpIdle.isNegative() || tcpIdle.isZero()) {
            throw new IllegalArgumentException("relay limits must be positive: " + this);
        }
    }

    /**
     * Limits whose connections and flows, all held at once, take at most a quarter of a heap of
     * {@code maxHeapBytes}: three sixteenths for TCP ({@link #TCP_CONNECTION_BYTES} each), one
     * sixteenth for UDP ({@link #UDP_FLOW_BYTES} each), at most 1,024 of each and at least 4;
     * an owner may hold a quarter of each total. No half-open share of its own (one client may
     * hold every handshake slot), flows idle for 60 s closed (tailscaled's netstack forwarder
     * closes idle UDP after a minute too), connections idle for an hour closed, 128 pings in
     * flight, 10 s to connect, 2 s for a ping.
     *
     * @param maxHeapBytes the heap's limit ({@link Runtime#maxMemory()})
     * @return the limits
     */
    public static RelayLimits forHeap(long maxHeapBytes) {
        int tcpTotal = fitting(maxHeapBytes / 16 * 3, TCP_CONNECTION_BYTES);
        int udpTotal = fitting(maxHeapBytes / 16, UDP_FLOW_BYTES);
        return new RelayLimits(tcpTotal / OWNERS_TO_FILL, tcpTotal, TcpConfig.defaults().maxHalfOpen(),
                udpTotal / OWNERS_TO_FILL, udpTotal, UDP_IDLE, 128, Duration.ofSeconds(10), Duration.ofSeconds(2),
                TCP_IDLE);
    }

    private static int fitting(long budget, long each) {
        return (int) Math.clamp(budget / each, OWNERS_TO_FILL, MOST);
    }
}
