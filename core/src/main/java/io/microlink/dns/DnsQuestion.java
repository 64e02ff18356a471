package io.microlink.dns;

/**
 * One entry of the question section.
 *
 * @param name the name as sent, with trailing dot and its case kept (resolvers randomise case
 *             and expect it echoed)
 *
 * <pre>{@code
 * new DnsQuestion("ts1.tailnet.test.", DnsType.A, DnsClass.IN);
 * }</pre>
 */
public record DnsQuestion(String name, int type, int dnsClass) {}
