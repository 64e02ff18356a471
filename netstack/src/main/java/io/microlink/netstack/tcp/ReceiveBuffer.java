package io.microlink.netstack.tcp;

/**
 * Received bytes in a ring that {@link #grow} can enlarge: first the in-order bytes the
 * application has not read, then room for the rest of the window, where out-of-order segments
 * are stored at their place. A few
 * ranges (offsets from the end of the in-order bytes) remember which of that room holds data, so
 * reassembly copies nothing twice and allocates nothing. Out-of-order data is bounded by the
 * ring and by {@link #MAX_RANGES}; a segment that would need another range is dropped, and the
 * peer sends it again.
 *
 * <pre>{@code
 * ReceiveBuffer buffer = new ReceiveBuffer(256 * 1024);
 * int advanced = buffer.store(seq - rcvNxt, packet, payloadOffset, payloadLength);
 * rcvNxt += advanced;
 * int n = buffer.read(dst, 0, dst.length);
 * }</pre>
 */
final class ReceiveBuffer {
    static final int MAX_RANGES = 16;
    private static final byte[] NO_MEMORY = new byte[0];

    /** Empty until {@link #allocate}: a connection that never receives data costs no buffer. */
    private byte[] ring = NO_MEMORY;
    private int capacity;
    private int head;
    private int readable;
    private final int[] rangeStart = new int[MAX_RANGES];
    private final int[] rangeEnd = new int[MAX_RANGES];
    private int ranges;

    ReceiveBuffer(int capacity) {
        this.capacity = capacity;
    }

    int capacity() {
        return capacity;
    }

    /** Whether the ring has its memory yet; {@link #store} needs it. */
    boolean hasMemory() {
        return ring.length > 0;
    }

    /** Gives the ring its memory, at the current capacity. */
    void allocate() {
        ring = new byte[capacity];
    }

    /** Drops the ring's memory and any data in it, for a connection whose application will read no more. */
    void release() {
        ring = NO_MEMORY;
        head = 0;
        readable = 0;
        ranges = 0;
    }

    int readable() {
        return readable;
    }

    /**
     * Raises the capacity to {@code capacity} bytes, keeping unread and out-of-order data where
     * it is relative to the next expected byte.
     */
    void grow(int capacity) {
        if (hasMemory()) {
            byte[] bigger = new byte[capacity];
            int first = ring.length - head;
            System.arraycopy(ring, head, bigger, 0, first);
            System.arraycopy(ring, 0, bigger, first, head);
            ring = bigger;
        }
        this.capacity = capacity;
        head = 0;
    }

    /** Room for in-order and out-of-order data: what the window may offer. */
    int free() {
        return capacity - readable;
    }

    boolean hasOutOfOrder() {
        return ranges > 0;
    }

    /**
     * Stores {@code len} bytes that belong {@code offset} bytes after the next expected byte;
     * bytes past the ring's room are cut off. Returns how far the in-order end advanced: 0 for an
     * out-of-order segment, more than {@code len} when it closed a gap.
     */
    int store(int offset, byte[] b, int off, int len) {
        int end = Math.min(offset + len, free());
        if (end <= offset || (offset > 0 && !addRange(offset, end))) {
            return 0;
        }
        int tail = head + readable + offset;
        int n = end - offset;
        int start = tail % ring.length;
        int first = Math.min(n, ring.length - start);
        System.arraycopy(b, off, ring, start, first);
        System.arraycopy(b, off + first, ring, 0, n - first);
        if (offset > 0) {
            return 0;
        }
        int advanced = n;
        while (ranges > 0 && rangeStart[0] <= advanced) {
            advanced = Math.max(advanced, rangeEnd[0]);
            removeRange(0);
        }
        for (int i = 0; i < ranges; i++) {
            rangeStart[i] -= advanced;
            rangeEnd[i] -= advanced;
        }
        readable += advanced;
        return advanced;
    }

    private boolean addRange(int start, int end) {
        int i = 0;
        while (i < ranges && rangeEnd[i] < start) {
            i++;
        }
        if (i < ranges && rangeStart[i] <= end) {
            rangeStart[i] = Math.min(rangeStart[i], start);
            rangeEnd[i] = Math.max(rangeEnd[i], end);
            while (i + 1 < ranges && rangeStart[i + 1] <= rangeEnd[i]) {
                rangeEnd[i] = Math.max(rangeEnd[i], rangeEnd[i + 1]);
                removeRange(i + 1);
            }
            return true;
        }
        if (ranges == MAX_RANGES) {
            return false;
        }
        System.arraycopy(rangeStart, i, rangeStart, i + 1, ranges - i);
        System.arraycopy(rangeEnd, i, rangeEnd, i + 1, ranges - i);
        rangeStart[i] = start;
        rangeEnd[i] = end;
        ranges++;
        return true;
    }

    private void removeRange(int i) {
        System.arraycopy(rangeStart, i + 1, rangeStart, i, ranges - i - 1);
        System.arraycopy(rangeEnd, i + 1, rangeEnd, i, ranges - i - 1);
        ranges--;
    }

    int read(byte[] dst, int off, int len) {
        int n = Math.min(len, readable);
        if (n == 0) {
            return 0;
        }
        int first = Math.min(n, ring.length - head);
        System.arraycopy(ring, head, dst, off, first);
        System.arraycopy(ring, 0, dst, off + first, n - first);
        head = (head + n) % ring.length;
        readable -= n;
        return n;
    }
}
