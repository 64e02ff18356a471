package io.microlink.dns;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Encodes a {@link DnsMessage} with name compression, byte for byte as x/net's dnsmessage
 * builder does with compression on. A record that would take the message past the limit is
 * dropped with everything after it; TC is set when that loses answer or authority records, not
 * when it loses only additional ones (RFC 2181 §9).
 */
final class DnsWriter {
    /** Compression pointers hold a 14-bit offset. */
    private static final int MAX_POINTER_OFFSET = 0x3FFF;

    private final int limit;
    private byte[] buf = new byte[512];
    private int pos;
    /** Name suffix, exactly as written (case kept, as dnsmessage does) → where it starts. */
    private final Map<String, Integer> compression = new HashMap<>();

    DnsWriter(int limit) {
        this.limit = limit;
    }

    byte[] write(DnsMessage m) {
        pos = DnsReader.HEADER_BYTES;
        for (DnsQuestion q : m.questions()) {
            name(q.name());
            u16(q.type());
            u16(q.dnsClass());
        }
        List<List<DnsRecord>> sections = List.of(m.answers(), m.authorities(), m.additionals());
        int[] written = new int[3];
        DnsHeader header = m.header();
        fill:
        for (int s = 0; s < 3; s++) {
            for (DnsRecord r : sections.get(s)) {
                int mark = pos;
                record(r);
                if (pos > limit) {
                    // Nothing is written after this, so no pointer can reach the bytes given back.
                    pos = mark;
                    header = s < 2 ? header.withTruncated() : header;
                    break fill;
                }
                written[s]++;
            }
        }
        int end = pos;
        pos = 0;
        u16(header.id());
        u16(header.flags());
        u16(m.questions().size());
        u16(written[0]);
        u16(written[1]);
        u16(written[2]);
        return Arrays.copyOf(buf, end);
    }

    private void record(DnsRecord r) {
        name(r.name());
        u16(r.type());
        u16(r.dnsClass());
        u32(r.ttl());
        int lengthAt = pos;
        pos += 2;
        switch (r.data()) {
            case DnsRdata.Address a -> bytes(a.address().getAddress());
            case DnsRdata.Domain d -> name(d.name());
            case DnsRdata.Soa soa -> {
                name(soa.primaryNameServer());
                name(soa.mailbox());
                u32(soa.serial());
                u32(soa.refresh());
                u32(soa.retry());
                u32(soa.expire());
                u32(soa.minimum());
            }
            case DnsRdata.Opaque o -> bytes(o.bytes());
        }
        int end = pos;
        pos = lengthAt;
        u16(end - lengthAt - 2);
        pos = end;
    }

    /** Writes a name with a trailing dot, ending in a pointer at the longest suffix already written. */
    private void name(String name) {
        if (name.equals(".")) {
            u8(0);
            return;
        }
        if (!name.endsWith(".") || name.length() + 1 > DnsReader.MAX_NAME_BYTES) {
            throw new IllegalArgumentException("not a fully qualified name of at most 255 bytes: " + name);
        }
        for (int begin = 0; begin < name.length(); ) {
            String suffix = name.substring(begin);
            Integer earlier = compression.get(suffix);
            if (earlier != null) {
                u16(0xC000 | earlier);
                return;
            }
            if (pos <= MAX_POINTER_OFFSET) {
                compression.put(suffix, pos);
            }
            int dot = name.indexOf('.', begin);
            int length = dot - begin;
            if (length < 1 || length > 63) {
                throw new IllegalArgumentException("a label of " + length + " bytes (1 to 63) in " + name);
            }
            u8(length);
            for (int i = begin; i < dot; i++) {
                char c = name.charAt(i);
                if (c > 0xFF) {
                    throw new IllegalArgumentException("a name must be ASCII or ISO-8859-1 bytes: " + name);
                }
                u8(c);
            }
            begin = dot + 1;
        }
        u8(0);
    }

    private void ensure(int more) {
        if (pos + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + more));
        }
    }

    private void u8(int v) {
        ensure(1);
        buf[pos++] = (byte) v;
    }

    private void u16(int v) {
        u8(v >>> 8);
        u8(v);
    }

    private void u32(long v) {
        u16((int) (v >>> 16));
        u16((int) v);
    }

    private void bytes(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, buf, pos, b.length);
        pos += b.length;
    }
}
