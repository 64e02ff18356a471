package io.microlink.dns;

/**
 * Response codes (RFC 1035 §4.1.1) that the MagicDNS resolver answers with.
 *
 * <pre>{@code
 * if (answer.header().rcode() == DnsRcode.NXDOMAIN) { ... }
 * }</pre>
 */
public final class DnsRcode {
    public static final int NOERROR = 0;
    public static final int FORMERR = 1;
    public static final int SERVFAIL = 2;
    public static final int NXDOMAIN = 3;
    public static final int NOTIMP = 4;
    public static final int REFUSED = 5;

    private DnsRcode() {}
}
