package io.microlink.netstack;

/**
 * Free bytes a {@link PacketSink} wants around each packet it is given, so that it can frame
 * the packet in place (WireGuard: its transport header in front, padding and tag behind)
 * instead of copying it. Producers that own their buffers (TCP segments, a TUN read) leave
 * this much room; others may not, and the sink then copies.
 *
 * @param front bytes before the packet
 * @param back  bytes after it
 */
public record Headroom(int front, int back) {
    /** No room on either side. */
    public static final Headroom NONE = new Headroom(0, 0);

    /** Checks that neither side is negative. */
    public Headroom {
        if (front < 0 || back < 0) {
            throw new IllegalArgumentException("headroom cannot be negative: " + front + ", " + back);
        }
    }
}
