package io.microlink.dns;

/**
 * The record and query types this package treats specially (RFC 1035, 3596, 6891); any other
 * type number is still carried, as opaque rdata.
 *
 * <pre>{@code
 * new DnsQuestion("ts1.tailnet.test.", DnsType.AAAA, DnsClass.IN);
 * }</pre>
 */
public final class DnsType {
    public static final int A = 1;
    public static final int NS = 2;
    public static final int CNAME = 5;
    public static final int SOA = 6;
    public static final int PTR = 12;
    public static final int HINFO = 13;
    public static final int AAAA = 28;
    public static final int OPT = 41;
    public static final int AXFR = 252;
    /** The QTYPE "*" that asks for every record of a name. */
    public static final int ANY = 255;

    private DnsType() {}
}
