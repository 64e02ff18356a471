package io.microlink.netstack.tcp;

import java.time.Duration;

/**
 * Tunables of a {@link TcpStack}. The defaults suit the 1280-byte tunnel MTU: MSS 1240 over IPv4
 * and 1220 over IPv6 (1280 minus the 20- or 40-byte IP header and the 20-byte TCP header).
 * Nagle's algorithm is off by default because the applications on a tailnet are mostly
 * interactive (SSH, RPC) and suffer from its added latency more than the link suffers from small
 * segments. Keep-alive is off by default, as for {@code java.net.Socket}.
 *
 * <p>A connection's buffers start at {@link #initialBufferBytes} (at most
 * {@link #INITIAL_BUFFER_BYTES}, smaller on a small heap; or the configured size if that is
 * smaller) and double up to the configured size while they are what limits the
 * connection, as Linux tunes its socket buffers: a bulk transfer over a path with more than
 * 256 KiB in flight needs more, an idle connection does not. One stack lets its connections
 * grow by {@link #maxBufferGrowthBytes} in total.
 *
 * <p>Both budgets follow the heap ({@link #forHeap}), so that a flood of connections that all
 * carry data is refused or slowed by the stack rather than ending the JVM with an
 * {@link OutOfMemoryError}.
 *
 * <pre>{@code
 * TcpConfig config = TcpConfig.defaults().withBufferSizes(64 * 1024, 64 * 1024).withNagle(true);
 * }</pre>
 *
 * @param sendBufferBytes the most an application may queue beyond what the peer has acknowledged
 * @param receiveBufferBytes the most received but not yet read; bounds the advertised window
 * @param mssIpv4 the MSS to offer and the ceiling on what we send over IPv4
 * @param mssIpv6 the same over IPv6
 * @param mslNanos maximum segment lifetime; TIME-WAIT lasts twice this
 * @param delayedAckNanos how long an ACK may wait for a second segment (RFC 1122 caps it at 500 ms; we use at most 200 ms)
 * @param keepAliveIdleNanos idle time before the first keep-alive probe, or 0 for no keep-alive
 * @param keepAliveIntervalNanos time between unanswered probes
 * @param keepAliveProbes unanswered probes after which the connection times out
 * @param nagle whether to hold back small segments while data is unacknowledged (RFC 896)
 * @param maxConnections bound on connections in any state, including those in TIME-WAIT; a SYN
 *                       beyond it is refused with RST
 * @param maxHalfOpen bound on passive opens still in SYN-RECEIVED, across all listeners (each
 *                    listener's backlog bounds its own); a SYN beyond it is dropped, as a full
 *                    SYN queue drops it, so a real client retries
 * @param maxBufferBytes bound on the connections' buffers together at their initial sizes (a
 *                       buffer takes memory only once it holds data); a SYN that could take it
 *                       past this is refused with RST, and a connection whose first data would is
 *                       reset. Growth beyond the initial sizes has its own bound
 * @param maxBufferGrowthBytes bound on how far the connections' buffers together may grow past
 *                             their initial sizes; a buffer that would pass it stays as it is
 * @param initialBufferBytes what each buffer of a connection starts at (or its limit if that is
 *                           smaller); it grows from there as data comes
 */
public record TcpConfig(
        int sendBufferBytes,
        int receiveBufferBytes,
        int mssIpv4,
        int mssIpv6,
        long mslNanos,
        long delayedAckNanos,
        long keepAliveIdleNanos,
        long keepAliveIntervalNanos,
        int keepAliveProbes,
        boolean nagle,
        int maxConnections,
        int maxHalfOpen,
        long maxBufferBytes,
        long maxBufferGrowthBytes,
        int initialBufferBytes) {

    /** The most each buffer of a connection starts at: what it starts at on a heap of 256 MiB and more. */
    public static final int INITIAL_BUFFER_BYTES = 256 * 1024;
    /** The least each buffer starts at, however small the heap: a dozen full-sized segments. */
    private static final int LEAST_INITIAL_BUFFER_BYTES = 16 * 1024;
    private static final long MAX_DELAYED_ACK_NANOS = Duration.ofMillis(200).toNanos();
    /** The initial-buffer budget's ceiling, however large the heap: 512 connections' pairs. */
    private static final long MOST_BUFFER_BYTES = 256L << 20;
    /** The growth budget's ceiling, however large the heap. */
    private static final long MOST_GROWTH_BYTES = 64L << 20;
    /** Each budget's floor, however small the heap: two connections' pairs, and one buffer grown to 1 MiB. */
    private static final long LEAST_BYTES = 1L << 20;

    /** Checks the limits: positive sizes and counts, an MSS of at least 88, a delayed ACK of at most 200 ms. */
    public TcpConfig {
        if (sendBufferBytes <= 0 || receiveBufferBytes <= 0) {
            throw new IllegalArgumentException("buffer sizes must be positive");
        }
        if (mssIpv4 < 88 || mssIpv6 < 88) {
            throw new IllegalArgumentException("MSS below 88 bytes cannot carry anything useful");
        }
        if (delayedAckNanos < 0 || delayedAckNanos > MAX_DELAYED_ACK_NANOS) {
            throw new IllegalArgumentException("delayed ACK must be between 0 and 200 ms");
        }
        if (mslNanos < 0 || keepAliveIdleNanos < 0 || keepAliveIntervalNanos <= 0 || keepAliveProbes <= 0) {
            throw new IllegalArgumentException("durations must not be negative");
        }
        if (maxConnections <= 0 || maxHalfOpen <= 0) {
            throw new IllegalArgumentException("maxConnections and maxHalfOpen must be positive");
        }
        if (initialBufferBytes <= 0) {
            throw new IllegalArgumentException("initialBufferBytes must be positive");
        }
        if (maxBufferBytes < (long) Math.min(sendBufferBytes, initialBufferBytes)
                + Math.min(receiveBufferBytes, initialBufferBytes)) {
            throw new IllegalArgumentException("maxBufferBytes must hold at least one connection's buffers");
        }
        if (maxBufferGrowthBytes < 0) {
            throw new IllegalArgumentException("maxBufferGrowthBytes must not be negative");
        }
    }

    /**
     * {@link #forHeap} of this JVM's heap ({@link Runtime#maxMemory()}). Under the launcher's
     * {@code -Xmx96m} with the serial collector (a heap of about 93 MiB as the JVM counts it):
     * buffers that start at 64 KiB, about 17 MiB of initial buffers (139 connections carrying
     * data both ways at once) and 5.8 MiB of growth.
     *
     * @return the default configuration
     */
    public static TcpConfig defaults() {
        return forHeap(Runtime.getRuntime().maxMemory());
    }

    /**
     * Buffers up to 1 MiB, MSL 30 s, 40 ms delayed ACK, keep-alive off, Nagle off, 4096
     * connections, 256 half-open, and buffers that take at most a quarter of a heap of
     * {@code maxHeapBytes} together: three sixteenths for the initial buffers (idle and
     * half-open connections take none), one sixteenth for growth. Each budget is at least
     * 1 MiB. Each buffer starts at the power of two at or below 1/1024 of the heap, from 16 KiB to
     * 256 KiB (from a heap of 256 MiB up), so a small heap admits as many connections as a large
     * one relative to its size, and a bulk connection grows its buffers from the growth budget. At
     * most 256 MiB of initial buffers (512 connections carrying data both ways, from a heap of
     * about 1.3 GiB up) and 64 MiB of growth (from a heap of 1 GiB up). With the relay's
     * own quarter ({@code RelayLimits.forHeap}) half the heap stays for everything else.
     *
     * @param maxHeapBytes the heap's limit ({@link Runtime#maxMemory()})
     * @return the configuration
     */
    public static TcpConfig forHeap(long maxHeapBytes) {
        long buffers = Math.clamp(maxHeapBytes / 16 * 3, LEAST_BYTES, MOST_BUFFER_BYTES);
        long growth = Math.clamp(maxHeapBytes / 16, LEAST_BYTES, MOST_GROWTH_BYTES);
        // A buffer starts at a power of two near 1/1024 of the heap: 256 KiB from 256 MiB up, 64 KiB
        // under -Xmx96m. The initial budget then admits 96 to 192 connections carrying data at
        // every heap from 16 MiB to 256 MiB, where a fixed 256 KiB start let -Xmx96m admit only 34.
        int initial = (int) Math.clamp(Long.highestOneBit(Math.max(1, maxHeapBytes / 1024)),
                LEAST_INITIAL_BUFFER_BYTES, INITIAL_BUFFER_BYTES);
        return new TcpConfig(1 << 20, 1 << 20, 1240, 1220,
                Duration.ofSeconds(30).toNanos(), Duration.ofMillis(40).toNanos(),
                0, Duration.ofSeconds(75).toNanos(), 9, false, 4096, 256, buffers, growth, initial);
    }

    /**
     * This configuration with other largest buffer sizes.
     *
     * @param send the send buffer's limit in bytes
     * @param receive the receive buffer's limit in bytes
     * @return the new configuration
     */
    public TcpConfig withBufferSizes(int send, int receive) {
        return new TcpConfig(send, receive, mssIpv4, mssIpv6, mslNanos, delayedAckNanos,
                keepAliveIdleNanos, keepAliveIntervalNanos, keepAliveProbes, nagle, maxConnections, maxHalfOpen, maxBufferBytes,
                maxBufferGrowthBytes, initialBufferBytes);
    }

    /**
     * This configuration with another maximum segment lifetime (TIME-WAIT lasts two of them).
     *
     * @param msl the lifetime
     * @return the new configuration
     */
    public TcpConfig withMsl(Duration msl) {
        return new TcpConfig(sendBufferBytes, receiveBufferBytes, mssIpv4, mssIpv6, msl.toNanos(), delayedAckNanos,
                keepAliveIdleNanos, keepAliveIntervalNanos, keepAliveProbes, nagle, maxConnections, maxHalfOpen, maxBufferBytes,
                maxBufferGrowthBytes, initialBufferBytes);
    }

    /**
     * This configuration with keep-alive probes on.
     *
     * @param idle quiet time before the first probe
     * @param interval time between unanswered probes
     * @param probes unanswered probes before the connection fails
     * @return the new configuration
     */
    public TcpConfig withKeepAlive(Duration idle, Duration interval, int probes) {
        return new TcpConfig(sendBufferBytes, receiveBufferBytes, mssIpv4, mssIpv6, mslNanos, delayedAckNanos,
                idle.toNanos(), interval.toNanos(), probes, nagle, maxConnections, maxHalfOpen, maxBufferBytes,
                maxBufferGrowthBytes, initialBufferBytes);
    }

    /**
     * This configuration with Nagle's algorithm on or off.
     *
     * @param on whether small segments wait for outstanding data to be acknowledged
     * @return the new configuration
     */
    public TcpConfig withNagle(boolean on) {
        return new TcpConfig(sendBufferBytes, receiveBufferBytes, mssIpv4, mssIpv6, mslNanos, delayedAckNanos,
                keepAliveIdleNanos, keepAliveIntervalNanos, keepAliveProbes, on, maxConnections, maxHalfOpen, maxBufferBytes,
                maxBufferGrowthBytes, initialBufferBytes);
    }

    /**
     * This configuration with another connection bound.
     *
     * @param max connections in any state
     * @return the new configuration
     */
    public TcpConfig withMaxConnections(int max) {
        return new TcpConfig(sendBufferBytes, receiveBufferBytes, mssIpv4, mssIpv6, mslNanos, delayedAckNanos,
                keepAliveIdleNanos, keepAliveIntervalNanos, keepAliveProbes, nagle, max, maxHalfOpen, maxBufferBytes, maxBufferGrowthBytes, initialBufferBytes);
    }

    /**
     * This configuration with another bound on passive opens in SYN-RECEIVED.
     *
     * @param max half-open connections across listeners
     * @return the new configuration
     */
    public TcpConfig withMaxHalfOpen(int max) {
        return new TcpConfig(sendBufferBytes, receiveBufferBytes, mssIpv4, mssIpv6, mslNanos, delayedAckNanos,
                keepAliveIdleNanos, keepAliveIntervalNanos, keepAliveProbes, nagle, maxConnections, max, maxBufferBytes, maxBufferGrowthBytes, initialBufferBytes);
    }

    /**
     * This configuration with another budget for the connections' initial buffers together.
     *
     * @param max bytes
     * @return the new configuration
     */
    public TcpConfig withMaxBufferBytes(long max) {
        return new TcpConfig(sendBufferBytes, receiveBufferBytes, mssIpv4, mssIpv6, mslNanos, delayedAckNanos,
                keepAliveIdleNanos, keepAliveIntervalNanos, keepAliveProbes, nagle, maxConnections, maxHalfOpen, max, maxBufferGrowthBytes, initialBufferBytes);
    }

    /**
     * This configuration with another budget for the connections' buffer growth together.
     *
     * @param max bytes
     * @return the new configuration
     */
    public TcpConfig withMaxBufferGrowthBytes(long max) {
        return new TcpConfig(sendBufferBytes, receiveBufferBytes, mssIpv4, mssIpv6, mslNanos, delayedAckNanos,
                keepAliveIdleNanos, keepAliveIntervalNanos, keepAliveProbes, nagle, maxConnections, maxHalfOpen,
                maxBufferBytes, max, initialBufferBytes);
    }

    /**
     * This configuration with buffers that start at another size.
     *
     * @param bytes what each buffer starts at (at most its limit), before it grows with data
     * @return the new configuration
     */
    public TcpConfig withInitialBufferBytes(int bytes) {
        return new TcpConfig(sendBufferBytes, receiveBufferBytes, mssIpv4, mssIpv6, mslNanos, delayedAckNanos,
                keepAliveIdleNanos, keepAliveIntervalNanos, keepAliveProbes, nagle, maxConnections, maxHalfOpen,
                maxBufferBytes, maxBufferGrowthBytes, bytes);
    }

    int initialSendBufferBytes() {
        return Math.min(sendBufferBytes, initialBufferBytes);
    }

    int initialReceiveBufferBytes() {
        return Math.min(receiveBufferBytes, initialBufferBytes);
    }

    int mssFor(byte[] ip) {
        return ip.length == 4 ? mssIpv4 : mssIpv6;
    }
}
