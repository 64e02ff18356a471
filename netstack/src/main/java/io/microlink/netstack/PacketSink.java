package io.microlink.netstack;

/**
 * Where IP packets go next: the one hand-off between the stages of the node's packet path, in
 * both directions (from peers to the netstack or the OS, and from the netstack or the OS to
 * peers). Packets that belong together (one read of a socket, one burst of TCP segments) come
 * one by one through {@link #accept} and are closed by {@link #endOfBatch}, so a stage that
 * batches its own work (one ACK for a run of segments, one system call for a run of
 * datagrams) knows when to do it.
 *
 * <pre>{@code
 * PacketSink sink = ...;
 * for (Packet p : received) sink.accept(p.buf(), p.off(), p.len());
 * sink.endOfBatch();
 * }</pre>
 */
public interface PacketSink {
    /**
     * One IP packet, {@code len} bytes at {@code off}. The bytes are only valid during the
     * call. The sink may overwrite them, and the {@link Headroom} it asked for around them
     * where the array has it, to frame the packet in place.
     *
     * @param buf the array holding the packet
     * @param off where it starts
     * @param len its length
     */
    void accept(byte[] buf, int off, int len);

    /** The packets since the last call belong together: do now what they call for. */
    default void endOfBatch() {}
}
