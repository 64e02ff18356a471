package io.microlink.netstack.ip;

import io.microlink.netstack.MalformedPacketException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Reassembles IPv4 (RFC 791) and IPv6 (RFC 8200 section 4.5) fragments into datagrams, keyed by
 * source, destination, identification and protocol. A datagram that is not complete 60 seconds
 * after its first fragment is dropped. Memory is bounded so that a flood of fragments cannot
 * exhaust the heap: past the bound on concurrent datagrams or on bytes held, the oldest
 * datagrams are dropped first, since honest ones complete within milliseconds.
 *
 * <pre>{@code
 * FragmentReassembler reassembler = new FragmentReassembler();
 * IpPacket p = IpPacket.parse(buf, 0, len);
 * if (p.isFragment()) {
 *     Optional<IpPacket> whole = reassembler.accept(p, System.nanoTime());
 * }
 * }</pre>
 */
public final class FragmentReassembler {
    /** RFC 8200 section 4.5: 60 seconds after the first fragment arrived. */
    public static final long TIMEOUT_NANOS = 60_000_000_000L;
    /** Datagrams in reassembly at once, by default. */
    public static final int DEFAULT_MAX_DATAGRAMS = 64;
    /** Room for 16 datagrams of the largest size at once. */
    public static final int DEFAULT_MAX_BYTES = 16 * 65536;

    private record Key(byte[] source, byte[] destination, int identification, int protocol) {
        Key(IpPacket p) {
            this(p.source(), p.destination(), p.fragmentId(), p.protocol());
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && identification == k.identification && protocol == k.protocol
                    && Arrays.equals(source, k.source) && Arrays.equals(destination, k.destination);
        }

        @Override
        public int hashCode() {
            return 31 * (31 * Arrays.hashCode(source) + Arrays.hashCode(destination)) + identification * 257 + protocol;
        }
    }

    private final int maxDatagrams;
    private final int maxBytes;
    /** In order of each datagram's first fragment, so the head is always the oldest. */
    private final Map<Key, PartialDatagram> pending = new LinkedHashMap<>();
    private int bytes;

    /** Makes a reassembler with the default bounds. */
    public FragmentReassembler() {
        this(DEFAULT_MAX_DATAGRAMS, DEFAULT_MAX_BYTES);
    }

    /**
     * Makes a reassembler with the given bounds.
     *
     * @param maxDatagrams how many datagrams may be in reassembly at once
     * @param maxBytes how many bytes of fragments (with bookkeeping) may be held at once
     */
    public FragmentReassembler(int maxDatagrams, int maxBytes) {
        if (maxDatagrams < 1 || maxBytes < 1) {
            throw new IllegalArgumentException("bounds must be positive");
        }
        this.maxDatagrams = maxDatagrams;
        this.maxBytes = maxBytes;
    }

    /**
     * Takes one fragment ({@link IpPacket#isFragment()}); copies what it needs, so the caller may
     * reuse the fragment's buffer. Returns the whole datagram, in a new buffer, when this fragment
     * completed it; empty while fragments are missing or when the datagram was dropped.
     *
     * @param fragment the fragment
     * @param nowNanos the time now ({@link System#nanoTime()}'s scale), to expire stale datagrams
     * @return the whole datagram, or empty
     */
    public synchronized Optional<IpPacket> accept(IpPacket fragment, long nowNanos) {
        if (!fragment.isFragment()) {
            throw new IllegalArgumentException("not a fragment");
        }
        expire(nowNanos);
        Key key = new Key(fragment);
        PartialDatagram datagram = pending.get(key);
        if (datagram == null) {
            if (pending.size() >= maxDatagrams) {
                dropOldest();
            }
            datagram = new PartialDatagram(fragment.version(), fragment.protocol(), nowNanos);
            pending.put(key, datagram);
        }
        while (bytes + PartialDatagram.maxCost(fragment) > maxBytes && pending.containsKey(key)) {
            dropOldest();
        }
        if (!pending.containsKey(key)) {
            return Optional.empty();
        }
        bytes += datagram.add(fragment);
        if (!datagram.isComplete()) {
            return Optional.empty();
        }
        pending.remove(key);
        bytes -= datagram.bytes();
        byte[] packet = datagram.assemble();
        try {
            return Optional.of(IpPacket.parse(packet, 0, packet.length));
        } catch (MalformedPacketException e) {
            return Optional.empty(); // e.g. IPv6 extension headers that only made no sense once whole
        }
    }

    /**
     * How many datagrams are in reassembly (or remembered as discarded until they time out).
     *
     * @return datagrams with fragments held
     */
    public synchronized int pendingDatagrams() {
        return pending.size();
    }

    /**
     * How many bytes the datagrams in reassembly hold.
     *
     * @return bytes held, with bookkeeping
     */
    public synchronized int pendingBytes() {
        return bytes;
    }

    private void expire(long nowNanos) {
        Iterator<PartialDatagram> it = pending.values().iterator();
        while (it.hasNext()) {
            PartialDatagram d = it.next();
            if (nowNanos - d.startedNanos < TIMEOUT_NANOS) {
                return;
            }
            bytes -= d.bytes();
            it.remove();
        }
    }

    private void dropOldest() {
        Iterator<PartialDatagram> it = pending.values().iterator();
        bytes -= it.next().bytes();
        it.remove();
    }
}
