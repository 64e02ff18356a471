package io.microlink.netstack.tcp;

/**
 * Where a {@link TcpStack} puts the segments it sends; the IP layer wraps them in a packet.
 * Unlike a {@link io.microlink.netstack.PacketSink} it is handed a bare segment and the
 * addresses its IP header needs. The buffer is the stack's scratch space and is reused after
 * the call returns, so an implementation copies what it keeps. Around each segment the stack
 * leaves the {@link io.microlink.netstack.Headroom} it was built with, so the layers below add
 * their headers and trailers in place instead of copying the segment into a new packet.
 *
 * <pre>{@code
 * SegmentOutput out = (src, dst, segment, off, len) -> ip.sendTcp(src, dst, segment, off, len);
 * }</pre>
 */
@FunctionalInterface
public interface SegmentOutput {
    /**
     * Sends one TCP segment inside an IP packet from {@code srcIp} to {@code dstIp}; the bytes are only valid during the call.
     *
     * @param srcIp the source address, 4 or 16 bytes
     * @param dstIp the destination address
     * @param segment the array holding the segment, header and payload
     * @param off where it starts
     * @param len its length
     */
    void send(byte[] srcIp, byte[] dstIp, byte[] segment, int off, int len);
}
