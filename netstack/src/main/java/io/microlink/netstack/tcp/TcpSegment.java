package io.microlink.netstack.tcp;

import io.microlink.netstack.Checksum;

/**
 * A TCP header (RFC 9293 §3.1) with the options this stack reads: MSS, window scale (RFC 7323),
 * SACK-permitted (RFC 2018) and timestamps (RFC 7323). One instance is reused for every segment
 * so the per-segment path does not allocate; {@link #parse} fills it in place and the payload
 * stays in the caller's buffer.
 *
 * <pre>{@code
 * TcpSegment seg = new TcpSegment();
 * if (seg.parse(srcIp, dstIp, packet, off, len)) {
 *     int firstPayloadByte = packet[seg.payloadOffset];
 * }
 * seg.clear();
 * seg.flags = TcpSegment.SYN;
 * seg.mss = 1240;
 * int headerLength = seg.writeHeader(out, 0);
 * TcpSegment.fillChecksum(srcIp, dstIp, out, 0, headerLength);
 * }</pre>
 */
public final class TcpSegment {
    /** Flag: no more data from the sender. */
    public static final int FIN = 0x01;
    /** Flag: synchronize sequence numbers. */
    public static final int SYN = 0x02;
    /** Flag: reset the connection. */
    public static final int RST = 0x04;
    /** Flag: push. */
    public static final int PSH = 0x08;
    /** Flag: the acknowledgment field is significant. */
    public static final int ACK = 0x10;
    /** Flag: the urgent pointer is significant. */
    public static final int URG = 0x20;

    /** The IP protocol number, for the pseudo header. */
    public static final int PROTOCOL = 6;
    /** A header without options. */
    public static final int MIN_HEADER_LENGTH = 20;
    /** The longest header: a data offset of 15 words. */
    public static final int MAX_HEADER_LENGTH = 60;
    /** The largest shift RFC 7323 §2.3 allows; larger offers are read as 14. */
    public static final int MAX_WINDOW_SHIFT = 14;

    private static final int OPT_END = 0;
    private static final int OPT_NOP = 1;
    private static final int OPT_MSS = 2;
    private static final int OPT_WINDOW_SCALE = 3;
    private static final int OPT_SACK_PERMITTED = 4;
    private static final int OPT_TIMESTAMPS = 8;

    /** Source port. */
    public int srcPort;
    /** Destination port. */
    public int dstPort;
    /** Sequence number. */
    public int seq;
    /** Acknowledgment number. */
    public int ack;
    /** The low six flag bits; ECN bits are dropped on parse. */
    public int flags;
    /** The raw 16-bit window field, before any scaling. */
    public int window;
    /** The urgent pointer, kept but never acted on. */
    public int urgentPointer;
    /** The MSS option, or 0 when absent. */
    public int mss;
    /** The window-scale option's shift, or -1 when absent. */
    public int windowShift;
    /** Whether the SACK-permitted option is present. */
    public boolean sackPermitted;
    /** Whether the timestamps option is present. */
    public boolean hasTimestamps;
    /** The timestamps option's value. */
    public int tsVal;
    /** The timestamps option's echo reply. */
    public int tsEcr;
    /** Where the payload starts in the buffer given to {@link #parse}. */
    public int payloadOffset;
    /** The payload's length. */
    public int payloadLength;

    /**
     * A bare header with no options, as {@link #clear()} leaves it.
     */
    public TcpSegment() {
        clear();
    }

    /** Resets every field to a bare header with no options, ready to describe a segment to write. */
    public void clear() {
        srcPort = dstPort = seq = ack = flags = window = urgentPointer = mss = 0;
        windowShift = -1;
        sackPermitted = hasTimestamps = false;
        tsVal = tsEcr = payloadOffset = payloadLength = 0;
    }

    /**
     * Whether a flag is set.
     *
     * @param flag one of {@link #FIN}, {@link #SYN}, {@link #RST}, {@link #PSH}, {@link #ACK}, {@link #URG}
     * @return {@code true} if it is set
     */
    public boolean has(int flag) {
        return (flags & flag) != 0;
    }

    /**
     * The sequence space the segment occupies: payload plus one for each of SYN and FIN.
     *
     * @return the sequence numbers the segment uses
     */
    public int sequenceLength() {
        return payloadLength + (flags & SYN) / SYN + (flags & FIN);
    }

    /**
     * Reads the segment at {@code b[off..off+len)} sent from {@code srcIp} to {@code dstIp}.
     * Returns false, leaving the fields unspecified, when the checksum fails or the header is
     * malformed (short, a data offset past the end, an option running past the header).
     *
     * @param srcIp the IP source address, for the pseudo header
     * @param dstIp the IP destination address
     * @param b the buffer
     * @param off where the segment starts
     * @param len its length, header and payload
     * @return whether the segment is valid
     */
    public boolean parse(byte[] srcIp, byte[] dstIp, byte[] b, int off, int len) {
        return parse(srcIp, dstIp, b, off, len, false);
    }

    /**
     * As {@link #parse(byte[], byte[], byte[], int, int)}, but when {@code linkAuthenticated}
     * the checksum is not checked: the link below (WireGuard) already proved the packet is the
     * one the peer sent, so the checksum could only fail where the peer's own stack computed it
     * wrong. gVisor skips it the same way for links with {@code RXChecksumOffload}, which
     * tailscale's netstack sets; on bulk transfers it is several percent of the receiving
     * thread. The header is still checked.
     *
     * @param srcIp the IP source address, for the pseudo header
     * @param dstIp the IP destination address
     * @param b the buffer
     * @param off where the segment starts
     * @param len its length, header and payload
     * @param linkAuthenticated whether the packet came through an authenticated link
     * @return whether the segment is valid
     */
    public boolean parse(byte[] srcIp, byte[] dstIp, byte[] b, int off, int len, boolean linkAuthenticated) {
        if (len < MIN_HEADER_LENGTH || off < 0 || off + len > b.length) {
            return false;
        }
        int headerLength = (b[off + 12] & 0xf0) >>> 2;
        if (headerLength < MIN_HEADER_LENGTH || headerLength > len) {
            return false;
        }
        if (!linkAuthenticated
                && !Checksum.verifies(Checksum.add(Checksum.pseudoHeader(srcIp, dstIp, PROTOCOL, len), b, off, len))) {
            return false;
        }
        clear();
        srcPort = u16(b, off);
        dstPort = u16(b, off + 2);
        seq = i32(b, off + 4);
        ack = i32(b, off + 8);
        flags = b[off + 13] & 0x3f;
        window = u16(b, off + 14);
        urgentPointer = u16(b, off + 18);
        payloadOffset = off + headerLength;
        payloadLength = len - headerLength;
        return parseOptions(b, off + MIN_HEADER_LENGTH, off + headerLength);
    }

    private boolean parseOptions(byte[] b, int i, int end) {
        while (i < end) {
            int kind = b[i] & 0xff;
            if (kind == OPT_END) {
                return true;
            }
            if (kind == OPT_NOP) {
                i++;
                continue;
            }
            if (i + 1 >= end) {
                return false;
            }
            int length = b[i + 1] & 0xff;
            if (length < 2 || i + length > end) {
                return false;
            }
            // Options with a wrong length are ignored rather than fatal, as Linux and gVisor do.
            switch (kind) {
                case OPT_MSS -> mss = length == 4 ? u16(b, i + 2) : mss;
                case OPT_WINDOW_SCALE -> windowShift = length == 3 ? Math.min(b[i + 2] & 0xff, MAX_WINDOW_SHIFT) : windowShift;
                case OPT_SACK_PERMITTED -> sackPermitted |= length == 2;
                case OPT_TIMESTAMPS -> {
                    if (length == 10) {
                        hasTimestamps = true;
                        tsVal = i32(b, i + 2);
                        tsEcr = i32(b, i + 6);
                    }
                }
                default -> { }
            }
            i += length;
        }
        return true;
    }

    /**
     * Writes the header with its options (MSS, NOP+window scale, NOP+NOP+SACK-permitted,
     * NOP+NOP+timestamps: the 4-byte-aligned layouts Linux uses) and a zero checksum. Returns its
     * length; {@code out} needs {@link #MAX_HEADER_LENGTH} bytes of room.
     *
     * @param out the buffer
     * @param off where the header goes
     * @return the header's length
     */
    public int writeHeader(byte[] out, int off) {
        int i = off + MIN_HEADER_LENGTH;
        if (mss != 0) {
            i = optionHeader(out, i, 0, OPT_MSS, 4);
            put16(out, i, mss);
            i += 2;
        }
        if (windowShift >= 0) {
            i = optionHeader(out, i, 1, OPT_WINDOW_SCALE, 3);
            out[i++] = (byte) windowShift;
        }
        if (sackPermitted) {
            i = optionHeader(out, i, 2, OPT_SACK_PERMITTED, 2);
        }
        if (hasTimestamps) {
            i = optionHeader(out, i, 2, OPT_TIMESTAMPS, 10);
            put32(out, i, tsVal);
            put32(out, i + 4, tsEcr);
            i += 8;
        }
        int headerLength = i - off;
        put16(out, off, srcPort);
        put16(out, off + 2, dstPort);
        put32(out, off + 4, seq);
        put32(out, off + 8, ack);
        out[off + 12] = (byte) (headerLength << 2);
        out[off + 13] = (byte) flags;
        put16(out, off + 14, window);
        put16(out, off + 16, 0);
        put16(out, off + 18, urgentPointer);
        return headerLength;
    }

    /** Writes {@code nops} NOP bytes, then an option's kind and length; returns where its value goes. */
    private static int optionHeader(byte[] out, int i, int nops, int kind, int length) {
        for (int end = i + nops; i < end; i++) {
            out[i] = OPT_NOP;
        }
        out[i] = (byte) kind;
        out[i + 1] = (byte) length;
        return i + 2;
    }

    /**
     * Fills the checksum of the segment (header and payload) at {@code out[off..off+len)}.
     *
     * @param srcIp the IP source address, for the pseudo header
     * @param dstIp the IP destination address
     * @param out the buffer holding the segment
     * @param off where it starts
     * @param len its length, header and payload
     */
    public static void fillChecksum(byte[] srcIp, byte[] dstIp, byte[] out, int off, int len) {
        put16(out, off + 16, 0);
        int acc = Checksum.pseudoHeader(srcIp, dstIp, PROTOCOL, len);
        put16(out, off + 16, Checksum.finish(Checksum.add(acc, out, off, len)));
    }

    private static int u16(byte[] b, int i) {
        return ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
    }

    private static int i32(byte[] b, int i) {
        return (u16(b, i) << 16) | u16(b, i + 2);
    }

    private static void put16(byte[] b, int i, int v) {
        b[i] = (byte) (v >>> 8);
        b[i + 1] = (byte) v;
    }

    private static void put32(byte[] b, int i, int v) {
        put16(b, i, v >>> 16);
        put16(b, i + 2, v);
    }
}
