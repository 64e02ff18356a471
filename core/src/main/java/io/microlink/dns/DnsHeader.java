package io.microlink.dns;

/**
 * The fixed part of a DNS message (RFC 1035 §4.1.1; AD and CD from RFC 4035) without the
 * section counts, which follow from the sections themselves.
 *
 * <pre>{@code
 * DnsHeader q = DnsHeader.query(0x1234);
 * DnsHeader a = q.answer(DnsRcode.NXDOMAIN);   // QR, AA, RA when RD was asked
 * }</pre>
 */
public record DnsHeader(int id, boolean response, int opcode, boolean authoritative, boolean truncated,
                        boolean recursionDesired, boolean recursionAvailable, boolean authenticData,
                        boolean checkingDisabled, int rcode) {
    private static final int QR = 1 << 15;
    private static final int AA = 1 << 10;
    private static final int TC = 1 << 9;
    private static final int RD = 1 << 8;
    private static final int RA = 1 << 7;
    private static final int AD = 1 << 5;
    private static final int CD = 1 << 4;

    public DnsHeader {
        if ((id & ~0xFFFF) != 0 || (opcode & ~0xF) != 0 || (rcode & ~0xF) != 0) {
            throw new IllegalArgumentException("id is 16 bits, opcode and rcode 4 bits each");
        }
    }

    /** A standard query with recursion desired, as stub resolvers send it. */
    public static DnsHeader query(int id) {
        return new DnsHeader(id, false, 0, false, false, true, false, false, false, 0);
    }

    static DnsHeader fromWire(int id, int flags) {
        return new DnsHeader(id, (flags & QR) != 0, (flags >>> 11) & 0xF, (flags & AA) != 0, (flags & TC) != 0,
                (flags & RD) != 0, (flags & RA) != 0, (flags & AD) != 0, (flags & CD) != 0, flags & 0xF);
    }

    int flags() {
        return (response ? QR : 0) | opcode << 11 | (authoritative ? AA : 0) | (truncated ? TC : 0)
                | (recursionDesired ? RD : 0) | (recursionAvailable ? RA : 0) | (authenticData ? AD : 0)
                | (checkingDisabled ? CD : 0) | rcode;
    }

    /**
     * The header of our authoritative answer to this query, as tailscale's {@code marshalResponse}
     * makes it: the query's ID, opcode and flags, plus QR and AA, and RA whenever RD was set.
     */
    public DnsHeader answer(int answerRcode) {
        return new DnsHeader(id, true, opcode, true, false, recursionDesired, recursionDesired, authenticData,
                checkingDisabled, answerRcode);
    }

    DnsHeader withTruncated() {
        return new DnsHeader(id, response, opcode, authoritative, true, recursionDesired, recursionAvailable,
                authenticData, checkingDisabled, rcode);
    }
}
