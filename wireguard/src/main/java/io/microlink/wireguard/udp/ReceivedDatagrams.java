package io.microlink.wireguard.udp;

import java.net.InetSocketAddress;

/**
 * The datagrams one {@link UdpBatchSocket#receive()} returned: all in one buffer, each with its
 * offset, length and source. Reused by the next receive, so handle them before calling it again.
 *
 * <pre>{@code
 * ReceivedDatagrams in = udp.receive();
 * for (int i = 0; i < in.count(); i++) {
 *     engine.receive(in.buffer(), in.offset(i), in.length(i), in.source(i), network);
 * }
 * }</pre>
 */
public final class ReceivedDatagrams {
    private final byte[] buffer;
    private final int[] offsets;
    private final int[] lengths;
    private final InetSocketAddress[] sources;
    private int count;

    ReceivedDatagrams(int bufferBytes, int maxDatagrams) {
        this.buffer = new byte[bufferBytes];
        this.offsets = new int[maxDatagrams];
        this.lengths = new int[maxDatagrams];
        this.sources = new InetSocketAddress[maxDatagrams];
    }

    /**
     * How many datagrams arrived.
     *
     * @return the count
     */
    public int count() {
        return count;
    }

    /**
     * The bytes of every datagram; the receiver may change them in place (decrypt, say).
     *
     * @return the shared buffer
     */
    public byte[] buffer() {
        return buffer;
    }

    /**
     * Where datagram {@code i} starts in {@link #buffer()}.
     *
     * @param i 0 to {@code count() - 1}
     * @return the offset
     */
    public int offset(int i) {
        return offsets[i];
    }

    /**
     * The length of datagram {@code i}.
     *
     * @param i 0 to {@code count() - 1}
     * @return the length
     */
    public int length(int i) {
        return lengths[i];
    }

    /**
     * Who sent datagram {@code i}.
     *
     * @param i 0 to {@code count() - 1}
     * @return the source
     */
    public InetSocketAddress source(int i) {
        return sources[i];
    }

    void clear() {
        count = 0;
    }

    boolean hasRoom() {
        return count < offsets.length;
    }

    void add(int offset, int length, InetSocketAddress source) {
        offsets[count] = offset;
        lengths[count] = length;
        sources[count] = source;
        count++;
    }
}
