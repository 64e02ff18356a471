package io.microlink.wireguard.session;

/**
 * Limits of one {@link Engine}.
 *
 * @param timers the handshake and keepalive timings
 * @param maxSessions            peers that may hold session keys at once; beyond it the least
 *                               recently used one (never the priority peer) loses its keys
 * @param underLoadThreshold     handshake messages per second above which the engine answers
 *                               initiations without a valid cookie (mac2) with a cookie reply
 * @param perSourceHandshakes    handshake messages per second one source (an IPv4 address
 *                               or an IPv6 /64 for UDP, see {@link Endpoint#rateLimitKey()}) may make us
 *                               process while under load (burst of the same size)
 * @param rateLimiterSources     sources the rate limiter tracks at most
 * @param stagedPacketsPerPeer   outbound packets queued per peer while its handshake runs
 * @param mtu                    largest inner packet; padding never goes beyond it
 * @param roaming                whether a peer's endpoint follows the source of its latest
 *                               authenticated packet (plain WireGuard); off when something above
 *                               the engine chooses paths, as tailscale's magicsock does
 */
public record EngineSettings(TimerSettings timers, int maxSessions, int underLoadThreshold,
                             int perSourceHandshakes, int rateLimiterSources, int stagedPacketsPerPeer, int mtu,
                             boolean roaming) {

    /**
     * WireGuard's own limits: 1024 sessions, under load above 200 handshakes/s, 20 per source, MTU 1420, roaming on.
     */
    public static final EngineSettings DEFAULT = new EngineSettings(TimerSettings.DEFAULT, 1024, 200, 20, 4096, 128, 1420, true);

    /**
     * Checks that every limit is positive.
     *
     * @throws IllegalArgumentException for a limit out of range
     */
    public EngineSettings {
        if (maxSessions < 1 || underLoadThreshold < 1 || perSourceHandshakes < 1 || rateLimiterSources < 1
                || stagedPacketsPerPeer < 1 || mtu < 576 || mtu > 65535) {
            throw new IllegalArgumentException("engine limits out of range: " + this);
        }
    }

    /**
     * These settings with other timers.
     *
     * @param t the timers
     * @return the new settings
     */
    public EngineSettings withTimers(TimerSettings t) {
        return new EngineSettings(t, maxSessions, underLoadThreshold, perSourceHandshakes, rateLimiterSources, stagedPacketsPerPeer, mtu, roaming);
    }

    /**
     * These settings with another session cap.
     *
     * @param n peers that may hold keys at once
     * @return the new settings
     */
    public EngineSettings withMaxSessions(int n) {
        return new EngineSettings(timers, n, underLoadThreshold, perSourceHandshakes, rateLimiterSources, stagedPacketsPerPeer, mtu, roaming);
    }

    /**
     * These settings with another load threshold.
     *
     * @param n handshake messages per second above which cookies are required
     * @return the new settings
     */
    public EngineSettings withUnderLoadThreshold(int n) {
        return new EngineSettings(timers, maxSessions, n, perSourceHandshakes, rateLimiterSources, stagedPacketsPerPeer, mtu, roaming);
    }

    /**
     * These settings with another MTU.
     *
     * @param m the largest inner packet
     * @return the new settings
     */
    public EngineSettings withMtu(int m) {
        return new EngineSettings(timers, maxSessions, underLoadThreshold, perSourceHandshakes, rateLimiterSources, stagedPacketsPerPeer, m, roaming);
    }

    /**
     * These settings with roaming on or off.
     *
     * @param r whether a peer's endpoint follows its authenticated packets
     * @return the new settings
     */
    public EngineSettings withRoaming(boolean r) {
        return new EngineSettings(timers, maxSessions, underLoadThreshold, perSourceHandshakes, rateLimiterSources, stagedPacketsPerPeer, mtu, r);
    }
}
