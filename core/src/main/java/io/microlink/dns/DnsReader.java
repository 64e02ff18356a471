package io.microlink.dns;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Parses wire bytes into a {@link DnsMessage}. Every read is bounds-checked first, so hostile
 * input ends in a {@link DnsFormatException} rather than an index exception.
 */
final class DnsReader {
    static final int HEADER_BYTES = 12;
    /** Wire length of a name, length bytes and final zero included (RFC 1035 §2.3.4). */
    static final int MAX_NAME_BYTES = 255;
    /**
     * Compression pointers followed within one name. A real encoder needs one per name; the
     * bound ends pointer loops, which the 255-byte limit alone would not (a pointer adds no length).
     */
    private static final int MAX_POINTERS = 16;

    private final byte[] msg;
    private int pos;
    /** Where each record's TTL sits, OPT left out (its TTL field holds EDNS flags). */
    private final List<Integer> ttlOffsets = new ArrayList<>();

    DnsReader(byte[] msg) {
        this.msg = msg;
    }

    DnsMessage message() throws DnsFormatException {
        need(HEADER_BYTES, "header");
        DnsHeader header = DnsHeader.fromWire(u16(), u16());
        int questionCount = u16();
        int answerCount = u16();
        int authorityCount = u16();
        int additionalCount = u16();
        List<DnsQuestion> questions = new ArrayList<>();
        for (int i = 0; i < questionCount; i++) {
            String name = name();
            need(4, "question");
            questions.add(new DnsQuestion(name, u16(), u16()));
        }
        return new DnsMessage(header, questions, records(answerCount), records(authorityCount),
                records(additionalCount));
    }

    /**
     * The offsets of the TTL fields of every record but OPT in a well-formed message, so a
     * cache can age an answer in place without re-encoding it (re-encoding would move names
     * that opaque rdata points at with compression pointers).
     */
    static int[] ttlOffsets(byte[] wire) throws DnsFormatException {
        DnsReader reader = new DnsReader(wire);
        reader.message();
        return reader.ttlOffsets.stream().mapToInt(Integer::intValue).toArray();
    }

    private List<DnsRecord> records(int count) throws DnsFormatException {
        List<DnsRecord> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String name = name();
            need(10, "resource record header");
            int type = u16();
            int dnsClass = u16();
            if (type != DnsType.OPT) {
                ttlOffsets.add(pos);
            }
            long ttl = u32();
            int length = u16();
            need(length, "rdata");
            int end = pos + length;
            DnsRdata data = rdata(type, length);
            if (pos != end) {
                throw new DnsFormatException("type " + type + " rdata is " + length + " bytes but holds "
                        + (pos - end + length));
            }
            records.add(new DnsRecord(name, type, dnsClass, ttl, data));
        }
        return records;
    }

    private DnsRdata rdata(int type, int length) throws DnsFormatException {
        return switch (type) {
            case DnsType.A, DnsType.AAAA -> address(type == DnsType.A ? 4 : 16, length);
            case DnsType.PTR, DnsType.CNAME -> new DnsRdata.Domain(name());
            case DnsType.SOA -> {
                String primary = name();
                String mailbox = name();
                need(20, "SOA counters");
                yield new DnsRdata.Soa(primary, mailbox, u32(), u32(), u32(), u32(), u32());
            }
            default -> {
                pos += length;
                yield new DnsRdata.Opaque(Arrays.copyOfRange(msg, pos - length, pos));
            }
        };
    }

    private DnsRdata.Address address(int size, int length) throws DnsFormatException {
        if (length != size) {
            throw new DnsFormatException("an address record of " + length + " bytes, not " + size);
        }
        pos += size;
        return DnsRdata.Address.of(Arrays.copyOfRange(msg, pos - size, pos));
    }

    /**
     * A possibly compressed name at the cursor, as text with a trailing dot; the cursor ends after
     * its first pointer or its final zero. Label bytes map one to one onto chars (ISO-8859-1).
     */
    private String name() throws DnsFormatException {
        StringBuilder name = new StringBuilder();
        int at = pos;
        int resume = -1;
        int wireBytes = 1;
        for (int pointers = 0; ; ) {
            if (at >= msg.length) {
                throw new DnsFormatException("a name runs past the end of the message");
            }
            int len = msg[at] & 0xFF;
            if (len == 0) {
                at++;
                break;
            }
            switch (len & 0xC0) {
                case 0x00 -> {
                    if (at + 1 + len > msg.length) {
                        throw new DnsFormatException("a label runs past the end of the message");
                    }
                    wireBytes += 1 + len;
                    if (wireBytes > MAX_NAME_BYTES) {
                        throw new DnsFormatException("a name longer than " + MAX_NAME_BYTES + " bytes");
                    }
                    for (int i = at + 1; i <= at + len; i++) {
                        if (msg[i] == '.') {
                            // The text form could not tell this dot from a label boundary.
                            throw new DnsFormatException("a label containing a dot");
                        }
                        name.append((char) (msg[i] & 0xFF));
                    }
                    name.append('.');
                    at += 1 + len;
                }
                case 0xC0 -> {
                    if (at + 1 >= msg.length) {
                        throw new DnsFormatException("a compression pointer cut short");
                    }
                    if (++pointers > MAX_POINTERS) {
                        throw new DnsFormatException("more than " + MAX_POINTERS + " compression pointers in a name");
                    }
                    if (resume < 0) {
                        resume = at + 2;
                    }
                    at = (len & 0x3F) << 8 | msg[at + 1] & 0xFF;
                }
                default -> throw new DnsFormatException(String.format(
                        "label length byte 0x%02x: a label is at most 63 bytes and 0x40/0x80 are reserved", len));
            }
        }
        pos = resume >= 0 ? resume : at;
        return name.isEmpty() ? "." : name.toString();
    }

    private void need(int bytes, String what) throws DnsFormatException {
        if (bytes > msg.length - pos) {
            throw new DnsFormatException("the message ends inside the " + what + " at offset " + pos);
        }
    }

    private int u16() {
        pos += 2;
        return (msg[pos - 2] & 0xFF) << 8 | msg[pos - 1] & 0xFF;
    }

    private long u32() {
        return (long) u16() << 16 | u16();
    }
}
