package io.microlink.netstack;

/**
 * A received packet that does not parse or verify (truncated, bad length, bad checksum, bad
 * header); the caller drops it. Thrown by every netstack parser instead of an index error, so a
 * hostile packet can cost us no more than this exception.
 *
 * <pre>{@code
 * try {
 *     IpPacket p = IpPacket.parse(buf, 0, len);
 * } catch (MalformedPacketException e) {
 *     log.debug("dropped: {}", e.getMessage());
 * }
 * }</pre>
 */
public final class MalformedPacketException extends Exception {
    /**
     * A packet that cannot be parsed.
     *
     * @param message what is wrong with it, for a debug log
     */
    public MalformedPacketException(String message) {
        super(message);
    }
}
