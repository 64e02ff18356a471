package io.microlink.wireguard.session;

/**
 * Decides when the engine is "under load" (whitepaper §5.3): more than a threshold of handshake
 * messages in the current one-second window. Load persists for a second after it is seen, as in
 * wireguard-go, so cookies are demanded for the whole burst. Thread-safe.
 */
final class LoadMonitor {
    private static final long SECOND = 1_000_000_000L;

    private final int threshold;
    private long windowStart;
    private int inWindow;
    private long underLoadUntil;
    private boolean started;

    LoadMonitor(int threshold) {
        this.threshold = threshold;
    }

    /** Records one handshake message; returns true if cookies must now be demanded. */
    synchronized boolean record(long nowNanos) {
        if (!started || nowNanos - windowStart >= SECOND) {
            windowStart = nowNanos;
            inWindow = 0;
            started = true;
        }
        inWindow++;
        if (inWindow > threshold) {
            underLoadUntil = nowNanos + SECOND;
            return true;
        }
        return nowNanos - underLoadUntil < 0;
    }
}
