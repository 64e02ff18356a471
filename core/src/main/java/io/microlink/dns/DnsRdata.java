package io.microlink.dns;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The data part of a resource record, decoded for the types MagicDNS answers with and kept as
 * bytes for all others.
 *
 * <pre>{@code
 * switch (record.data()) {
 *     case DnsRdata.Address a -> use(a.address());
 *     case DnsRdata.Domain d -> follow(d.name());
 *     default -> {}
 * }
 * }</pre>
 */
public sealed interface DnsRdata {
    /** A (4 bytes) or AAAA (16 bytes). */
    record Address(InetAddress address) implements DnsRdata {
        /** From 4 or 16 raw bytes; no name lookup happens. */
        static Address of(byte[] raw) {
            try {
                return new Address(InetAddress.getByAddress(raw));
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("an address is 4 or 16 bytes, not " + raw.length, e);
            }
        }
    }

    /** The single domain name of a PTR or CNAME record. */
    record Domain(String name) implements DnsRdata {}

    /** Start of authority (RFC 1035 §3.3.13); unsigned 32-bit fields widened to long. */
    record Soa(String primaryNameServer, String mailbox, long serial, long refresh, long retry, long expire,
               long minimum) implements DnsRdata {}

    /** Any other type, OPT included: the rdata exactly as on the wire. */
    record Opaque(byte[] bytes) implements DnsRdata {}
}
