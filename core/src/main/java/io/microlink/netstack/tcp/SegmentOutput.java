package io.microlink.netstack.tcp;

/**
 * Where a {@link TcpStack} puts the segments it sends; the IP layer wraps them in a packet.
 * The buffer is the stack's scratch space and is reused after the call returns, so an
 * implementation copies what it keeps.
 *
 * <pre>{@code
 * SegmentOutput out = (src, dst, segment, off, len) -> ip.sendTcp(src, dst, segment, off, len);
 * }</pre>
 */
@FunctionalInterface
public interface SegmentOutput {
    void send(byte[] srcIp, byte[] dstIp, byte[] segment, int off, int len);
}
