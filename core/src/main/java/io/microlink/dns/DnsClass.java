package io.microlink.dns;

/**
 * The one DNS class in use on the Internet. In an EDNS0 OPT record the class field holds the
 * requester's UDP payload size instead (RFC 6891), so classes stay plain numbers.
 *
 * <pre>{@code
 * new DnsQuestion("ts1.tailnet.test.", DnsType.A, DnsClass.IN);
 * }</pre>
 */
public final class DnsClass {
    public static final int IN = 1;

    private DnsClass() {}
}
