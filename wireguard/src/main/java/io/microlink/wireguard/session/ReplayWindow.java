package io.microlink.wireguard.session;

/**
 * Sliding anti-replay window over 64-bit transport counters (whitepaper §5.4.6, RFC 6479's
 * bitmap of words): accepts each counter once, and rejects counters more than {@link #WIDTH}
 * behind the highest one seen. Thread-safe.
 */
public final class ReplayWindow {
    private static final int WORDS = 64;
    /** Counters this far behind the newest are still accepted once: one word short of the bitmap. */
    public static final int WIDTH = (WORDS - 1) * Long.SIZE;

    private final long[] bitmap = new long[WORDS];
    /** One more than the highest counter accepted; 0 before the first. */
    private long next;

    /** A window that has seen no counter. */
    public ReplayWindow() {}

    /**
     * True if {@code counter} is new and inside the window; checked before decrypting.
     *
     * @param counter a transport message's counter
     * @return whether it may be new
     */
    public synchronized boolean mayAccept(long counter) {
        if (Long.compareUnsigned(counter, next) >= 0) {
            return true;
        }
        if (next - 1 - counter > WIDTH) {
            return false;
        }
        return (bitmap[word(counter)] & bit(counter)) == 0;
    }

    /**
     * Marks {@code counter} seen after it authenticated; false if it raced with a duplicate.
     *
     * @param counter the counter of a message that authenticated
     * @return whether it was new
     */
    public synchronized boolean accept(long counter) {
        if (!mayAccept(counter)) {
            return false;
        }
        if (Long.compareUnsigned(counter, next) >= 0) {
            long newest = next == 0 ? -1 : (next - 1) >>> 6;
            long target = counter >>> 6;
            long words = Math.min(target - newest, WORDS);
            for (long i = 1; i <= words; i++) {
                bitmap[(int) ((newest + i) & (WORDS - 1))] = 0;
            }
            next = counter + 1;
        }
        bitmap[word(counter)] |= bit(counter);
        return true;
    }

    private static int word(long counter) {
        return (int) ((counter >>> 6) & (WORDS - 1));
    }

    private static long bit(long counter) {
        return 1L << (counter & 63);
    }
}
