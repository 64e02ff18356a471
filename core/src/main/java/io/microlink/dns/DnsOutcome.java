package io.microlink.dns;

import io.microlink.control.wire.DnsConfig;
import java.util.List;

/**
 * What quad-100 does with one query: send an answer back, or hand the query unchanged to
 * upstream resolvers (and relay their reply).
 *
 * <pre>{@code
 * switch (resolver.respond(query, MagicDnsResolver.Transport.UDP)) {
 *     case DnsOutcome.Answer a -> reply(a.message());
 *     case DnsOutcome.Forward f -> forward(query, f.resolvers());
 * }
 * }</pre>
 */
public sealed interface DnsOutcome {
    /** A complete DNS response in wire form, already within the size the query allows. */
    record Answer(byte[] message) implements DnsOutcome {}

    /**
     * Not a name quad-100 answers for: ask these, in order of preference. Their {@code addr}
     * is as control sent it: an IP, IP:port, or a DoH/DoT URL.
     */
    record Forward(List<DnsConfig.Resolver> resolvers) implements DnsOutcome {
        public Forward {
            resolvers = List.copyOf(resolvers);
        }
    }
}
