package io.microlink.dns;

import java.util.Arrays;
import java.util.Optional;

/**
 * An upstream resolver's answer that matched the query it was sent for, kept in wire form: it
 * is handed to clients byte for byte except for the ID, the question's letter case, aged TTLs
 * and, when it does not fit the client's limit, truncation. Re-encoding it instead would break
 * the compression pointers inside rdata this package keeps opaque (MX, SRV, NS...).
 *
 * <pre>{@code
 * Optional<ForwardedAnswer> a = ForwardedAnswer.match(sentQuery, datagram);
 * byte[] reply = a.get().forClient(clientQuery, 0, 512);
 * }</pre>
 */
final class ForwardedAnswer {
    /** Cached answers live at most this long whatever their TTL says, so a hostile upstream cannot pin one. */
    static final long MAX_CACHE_SECONDS = 3600;
    private static final int QR = 0x80;
    private static final int TC = 0x02;

    private final byte[] wire;
    private final int[] ttlOffsets;
    private final DnsMessage parsed;

    private ForwardedAnswer(byte[] wire, int[] ttlOffsets, DnsMessage parsed) {
        this.wire = wire;
        this.ttlOffsets = ttlOffsets;
        this.parsed = parsed;
    }

    /**
     * {@code received} if it answers {@code sent}: a well-formed response with the same ID,
     * opcode and single question (the name compared without case, as resolvers may change it);
     * empty for anything else, which the caller ignores as it would a forgery.
     */
    static Optional<ForwardedAnswer> match(byte[] sent, byte[] received) {
        int end = questionEnd(sent);
        if (end < 0 || received.length < end || (received[2] & QR) == 0
                || received[0] != sent[0] || received[1] != sent[1]
                || (received[2] & 0x78) != (sent[2] & 0x78) || received[4] != 0 || received[5] != 1) {
            return Optional.empty();
        }
        int nameEnd = end - 4;
        for (int i = DnsReader.HEADER_BYTES; i < end; i++) {
            boolean inName = i < nameEnd;
            if (inName ? lower(received[i]) != lower(sent[i]) : received[i] != sent[i]) {
                return Optional.empty();
            }
        }
        try {
            byte[] copy = received.clone();
            return Optional.of(new ForwardedAnswer(copy, DnsReader.ttlOffsets(copy), DnsMessage.parse(copy)));
        } catch (DnsFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * Where the question section of a query with one uncompressed question ends, or -1: the
     * forwarder takes only such queries, so every answer's question can be checked and recased
     * in place.
     */
    static int questionEnd(byte[] query) {
        if (query.length < DnsReader.HEADER_BYTES || query[4] != 0 || query[5] != 1) {
            return -1;
        }
        int at = DnsReader.HEADER_BYTES;
        while (at < query.length && query[at] != 0) {
            int len = query[at] & 0xFF;
            if (len > 63) {
                return -1; // a pointer or a reserved label type
            }
            at += 1 + len;
        }
        int end = at + 1 + 4;
        return at - DnsReader.HEADER_BYTES < DnsReader.MAX_NAME_BYTES && end <= query.length ? end : -1;
    }

    int rcode() {
        return wire[3] & 0x0F;
    }

    boolean truncated() {
        return (wire[2] & TC) != 0;
    }

    int length() {
        return wire.length;
    }

    /**
     * How long this answer may be cached: positive answers for their smallest TTL, negative ones
     * (NXDOMAIN, or no data) for the lesser of their SOA's TTL and minimum (RFC 2308 §5), and
     * never when truncated, failed, or negative without an SOA; 0 means do not cache.
     */
    long cacheSeconds() {
        if (truncated() || (rcode() != DnsRcode.NOERROR && rcode() != DnsRcode.NXDOMAIN)) {
            return 0;
        }
        long ttl;
        if (rcode() == DnsRcode.NOERROR && !parsed.answers().isEmpty()) {
            ttl = parsed.answers().stream().mapToLong(DnsRecord::ttl).min().orElse(0);
            ttl = Math.min(ttl, parsed.authorities().stream().mapToLong(DnsRecord::ttl).min().orElse(ttl));
        } else {
            ttl = parsed.authorities().stream().filter(r -> r.data() instanceof DnsRdata.Soa)
                    .mapToLong(r -> Math.min(r.ttl(), ((DnsRdata.Soa) r.data()).minimum())).min().orElse(0);
        }
        return Math.min(ttl, MAX_CACHE_SECONDS);
    }

    /**
     * The answer for a client that asked {@code clientQuery} (the same question, perhaps in other
     * case): its ID and question spelling, every TTL less {@code agedSeconds}, and if longer than
     * {@code limit} only the header and question with TC set, so the client retries over TCP.
     * Empty when those edits would leave a malformed message: a hostile upstream may aim a
     * compression pointer at the ID or a TTL, which then reads as other labels.
     */
    Optional<byte[]> forClient(byte[] clientQuery, long agedSeconds, int limit) {
        int end = questionEnd(clientQuery);
        if (end != questionEnd(wire)) {
            throw new IllegalArgumentException("the client's question is not the one this answers");
        }
        byte[] out = wire.length <= limit ? wire.clone() : Arrays.copyOf(wire, end);
        out[0] = clientQuery[0];
        out[1] = clientQuery[1];
        System.arraycopy(clientQuery, DnsReader.HEADER_BYTES, out, DnsReader.HEADER_BYTES, end - 4
                - DnsReader.HEADER_BYTES);
        if (out.length < wire.length) {
            out[2] |= TC;
            Arrays.fill(out, 6, 12, (byte) 0);
            return Optional.of(out); // an uncompressed question alone: nothing can point at what changed
        }
        for (int at : ttlOffsets) {
            long ttl = Math.max(0, u32(out, at) - agedSeconds);
            for (int i = 0; i < 4; i++) {
                out[at + i] = (byte) (ttl >>> (24 - 8 * i));
            }
        }
        try {
            DnsMessage.parse(out);
            return Optional.of(out);
        } catch (DnsFormatException e) {
            return Optional.empty();
        }
    }

    private static long u32(byte[] b, int at) {
        return (b[at] & 0xFFL) << 24 | (b[at + 1] & 0xFF) << 16 | (b[at + 2] & 0xFF) << 8 | b[at + 3] & 0xFF;
    }

    private static int lower(byte b) {
        return b >= 'A' && b <= 'Z' ? b + 32 : b;
    }
}
