package io.microlink.dns;

import java.util.List;

/**
 * A DNS message (RFC 1035 §4.1) parsed from or to be encoded into wire bytes, sans I/O.
 * Parsing follows compression pointers with loop and length limits and rejects malformed
 * input with {@link DnsFormatException}; encoding compresses names and, when the message
 * would exceed the size limit, drops trailing records and sets TC.
 *
 * <pre>{@code
 * DnsMessage query = DnsMessage.parse(udpPayload);
 * byte[] reply = answer.encode(query.udpPayloadLimit());
 * }</pre>
 */
public record DnsMessage(DnsHeader header, List<DnsQuestion> questions, List<DnsRecord> answers,
                         List<DnsRecord> authorities, List<DnsRecord> additionals) {
    /** The UDP limit without EDNS0 (RFC 1035 §4.2.1), also the least an OPT record may ask for. */
    public static final int CLASSIC_UDP_LIMIT = 512;

    public DnsMessage {
        questions = List.copyOf(questions);
        answers = List.copyOf(answers);
        authorities = List.copyOf(authorities);
        additionals = List.copyOf(additionals);
    }

    public static DnsMessage parse(byte[] wire) throws DnsFormatException {
        return new DnsReader(wire).message();
    }

    /** The wire form, at most {@code maxBytes} long: records that do not fit are dropped, with TC for answers. */
    public byte[] encode(int maxBytes) {
        return new DnsWriter(maxBytes).write(this);
    }

    /** The largest UDP answer the sender accepts: its EDNS0 OPT payload size, else 512 (RFC 6891 §6.2.5). */
    public int udpPayloadLimit() {
        return additionals.stream().filter(r -> r.type() == DnsType.OPT).findFirst()
                .map(opt -> Math.max(CLASSIC_UDP_LIMIT, opt.dnsClass())).orElse(CLASSIC_UDP_LIMIT);
    }
}
