package io.microlink.netstack.tcp;

/**
 * Where a {@link TcpStack} puts the segments it sends; the IP layer wraps them in a packet.
 * The buffer is the stack's scratch space and is reused after the call returns, so an
 * implementation copies what it keeps. In front of each segment the stack leaves
 * {@link #headroom()} free bytes and after it {@link #tailroom()}, so the layers below can add
 * their headers and trailers in place instead of copying the segment into a new packet.
 *
 * <pre>{@code
 * SegmentOutput out = (src, dst, segment, off, len) -> ip.sendTcp(src, dst, segment, off, len);
 * }</pre>
 */
@FunctionalInterface
public interface SegmentOutput {
    void send(byte[] srcIp, byte[] dstIp, byte[] segment, int off, int len);

    /** Bytes the output may write in front of each segment. */
    default int headroom() {
        return 0;
    }

    /** Bytes the output may write after each segment. */
    default int tailroom() {
        return 0;
    }
}
