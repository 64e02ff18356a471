package io.microlink.netstack.ip;

import static io.microlink.netstack.NetworkOrder.putU16;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The fragments of one datagram received so far, kept sorted and non-overlapping. Any overlap
 * that is not an exact duplicate discards the whole datagram, for IPv6 as RFC 5722 requires and
 * for IPv4 too, since overlaps are how fragment attacks hide headers (RFC 1858) and no honest
 * sender makes them.
 */
final class PartialDatagram {
    /** Roughly what a piece costs the heap besides its data, so that tiny fragments are not free. */
    private static final int PIECE_OVERHEAD = 48;

    private record Piece(int start, byte[] data) {
        int end() {
            return start + data.length;
        }
    }

    final long startedNanos;
    private final int version;
    private final int protocol;
    private final List<Piece> pieces = new ArrayList<>();
    private byte[] header;
    private int end = -1;
    private int received;
    private int bytes;
    private boolean discarded;

    PartialDatagram(int version, int protocol, long startedNanos) {
        this.version = version;
        this.protocol = protocol;
        this.startedNanos = startedNanos;
    }

    /** The most memory that adding {@code fragment} can take. */
    static int maxCost(IpPacket fragment) {
        return fragment.headerLength() + fragment.payloadLength() + PIECE_OVERHEAD;
    }

    /** The memory this datagram holds. */
    int bytes() {
        return bytes;
    }

    /**
     * Adds a fragment of this datagram; returns how much memory that took, negative when it
     * discarded the datagram and freed what it held.
     */
    int add(IpPacket f) {
        int before = bytes;
        if (!discarded) {
            insert(f);
        }
        return bytes - before;
    }

    boolean isComplete() {
        return !discarded && header != null && end >= 0 && received == end;
    }

    /** The reassembled packet, its header taken from the first fragment; only once complete. */
    byte[] assemble() {
        byte[] out = new byte[header.length + end];
        System.arraycopy(header, 0, out, 0, header.length);
        for (Piece p : pieces) {
            System.arraycopy(p.data, 0, out, header.length + p.start, p.data.length);
        }
        if (version == 4) {
            putU16(out, 2, out.length);
            putU16(out, Ipv4Header.FLAGS_AND_OFFSET, 0);
            Ipv4Header.fillChecksum(out, 0, header.length);
        } else {
            putU16(out, Ipv6Header.PAYLOAD_LENGTH, end);
            out[Ipv6Header.NEXT_HEADER] = (byte) protocol;
        }
        return out;
    }

    private void insert(IpPacket f) {
        int start = f.fragmentOffset();
        int length = f.payloadLength();
        int stop = start + length;
        if (f.moreFragments() && (length == 0 || length % 8 != 0)) {
            return; // every fragment but the last carries a multiple of 8 bytes; this one is broken, not the datagram
        }
        if (reassembledHeaderLength(f) + stop > 0xffff) {
            discard();
            return;
        }
        if (!f.moreFragments()) {
            if ((end >= 0 && end != stop) || (!pieces.isEmpty() && pieces.getLast().end() > stop)) {
                discard();
                return;
            }
            end = stop;
        } else if (end >= 0 && stop > end) {
            discard();
            return;
        }
        int i = firstStartingAtOrAfter(start);
        if (i < pieces.size() && pieces.get(i).start == start && isSameData(pieces.get(i), f)) {
            return; // an exact duplicate: the network repeats itself (RFC 8200 section 4.5)
        }
        if ((i > 0 && pieces.get(i - 1).end() > start) || (i < pieces.size() && pieces.get(i).start < stop)) {
            discard();
            return;
        }
        pieces.add(i, new Piece(start, Arrays.copyOfRange(f.buffer(), f.payloadOffset(), f.payloadOffset() + length)));
        received += length;
        bytes += length + PIECE_OVERHEAD;
        if (start == 0) {
            int headerStart = f.offset();
            header = Arrays.copyOfRange(f.buffer(), headerStart, headerStart + reassembledHeaderLength(f));
            bytes += header.length;
        }
    }

    /**
     * IPv4 keeps the first fragment's header with its options. IPv6 keeps only the fixed header:
     * we are the destination, so the extension headers in front of the fragment header are spent.
     */
    private static int reassembledHeaderLength(IpPacket f) {
        return f.version() == 4 ? f.headerLength() : Ipv6Header.LENGTH;
    }

    private int firstStartingAtOrAfter(int start) {
        int lo = 0;
        int hi = pieces.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (pieces.get(mid).start < start) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private static boolean isSameData(Piece p, IpPacket f) {
        return Arrays.equals(p.data, 0, p.data.length, f.buffer(), f.payloadOffset(), f.payloadOffset() + f.payloadLength());
    }

    private void discard() {
        discarded = true;
        pieces.clear();
        header = null;
        bytes = 0;
    }
}
