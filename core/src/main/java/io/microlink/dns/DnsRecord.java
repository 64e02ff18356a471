package io.microlink.dns;

import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * A resource record. Names carry their trailing dot; TTLs are unsigned 32-bit seconds.
 *
 * <pre>{@code
 * DnsRecord a = DnsRecord.address("ts1.tailnet.test.", InetAddress.ofLiteral("100.64.0.1"), 5);
 * }</pre>
 */
public record DnsRecord(String name, int type, int dnsClass, long ttl, DnsRdata data) {

    /** An A or AAAA record, by the address family. */
    public static DnsRecord address(String name, InetAddress address, long ttl) {
        return new DnsRecord(name, address instanceof Inet4Address ? DnsType.A : DnsType.AAAA, DnsClass.IN, ttl,
                new DnsRdata.Address(address));
    }

    public static DnsRecord ptr(String name, String target, long ttl) {
        return new DnsRecord(name, DnsType.PTR, DnsClass.IN, ttl, new DnsRdata.Domain(target));
    }
}
