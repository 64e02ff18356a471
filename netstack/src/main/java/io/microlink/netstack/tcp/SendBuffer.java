package io.microlink.netstack.tcp;

/**
 * The bytes an application wrote that the peer has not acknowledged yet, sent or not, in a
 * ring: its capacity is the send-buffer bound, so {@link #write} accepts only what fits, and
 * {@link #grow} raises it.
 *
 * <pre>{@code
 * SendBuffer buffer = new SendBuffer(256 * 1024);
 * int accepted = buffer.write(data, 0, data.length);
 * buffer.copy(0, segment, headerLength, 1240);
 * buffer.discard(acked);
 * }</pre>
 */
final class SendBuffer {
    private static final byte[] NO_MEMORY = new byte[0];

    /** Empty until {@link #allocate}: a connection that never sends data costs no buffer. */
    private byte[] ring = NO_MEMORY;
    private int capacity;
    private int head;
    private int length;

    SendBuffer(int capacity) {
        this.capacity = capacity;
    }

    int length() {
        return length;
    }

    int capacity() {
        return capacity;
    }

    /** Whether the ring has its memory yet; {@link #write} needs it. */
    boolean hasMemory() {
        return ring.length > 0;
    }

    /** Gives the ring its memory, at the current capacity. */
    void allocate() {
        ring = new byte[capacity];
    }

    /** Drops the ring's memory and anything queued in it, for a connection that will send no more. */
    void release() {
        ring = NO_MEMORY;
        head = 0;
        length = 0;
    }

    /** Raises the capacity to {@code capacity} bytes, keeping what is queued. */
    void grow(int capacity) {
        if (hasMemory()) {
            byte[] bigger = new byte[capacity];
            copy(0, bigger, 0, length);
            ring = bigger;
        }
        this.capacity = capacity;
        head = 0;
    }

    int free() {
        return capacity - length;
    }

    int write(byte[] b, int off, int len) {
        int n = Math.min(len, free());
        if (n == 0) {
            return 0;
        }
        int tail = (head + length) % ring.length;
        int first = Math.min(n, ring.length - tail);
        System.arraycopy(b, off, ring, tail, first);
        System.arraycopy(b, off + first, ring, 0, n - first);
        length += n;
        return n;
    }

    /** Copies {@code len} bytes starting {@code offset} bytes after the oldest into {@code out}. */
    void copy(int offset, byte[] out, int outOff, int len) {
        if (len == 0) {
            return;
        }
        int start = (head + offset) % ring.length;
        int first = Math.min(len, ring.length - start);
        System.arraycopy(ring, start, out, outOff, first);
        System.arraycopy(ring, 0, out, outOff + first, len - first);
    }

    void discard(int n) {
        if (n == 0) {
            return;
        }
        head = (head + n) % ring.length;
        length -= n;
    }
}
