package io.microlink.dns;

import io.microlink.control.wire.DnsConfig;
import io.microlink.netmap.Netmap;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The quad-100 resolver (100.100.100.100, fd7a:115c:a1e0::53) for one netmap, sans I/O: it
 * answers MagicDNS names, 4via6 names ({@code 10-1-1-5-via-7}), tailnet reverse lookups and
 * ExtraRecords itself and tells the caller where to forward the rest, following tailscale's
 * net/dns/resolver/tsdns.go {@code respond}.
 * Answers are authoritative with a 5 s TTL; negative answers for local zones carry an SOA whose
 * 10 s TTL bounds negative caching (RFC 2308). A name no route covers gets SERVFAIL, as
 * tailscale's forwarder answers when it has no upstream ("no upstream resolvers set, returning
 * SERVFAIL", net/dns/resolver/forwarder.go {@code forwardWithDestChan}).
 *
 * <pre>{@code
 * MagicDnsResolver resolver = MagicDnsResolver.of(netmap, Instant.now());
 * DnsOutcome outcome = resolver.respond(udpPayload, MagicDnsResolver.Transport.UDP);
 * }</pre>
 */
public final class MagicDnsResolver {
    /** How the query arrived: over UDP the answer must also fit the query's UDP payload size. */
    public enum Transport { UDP, TCP }

    static final long POSITIVE_TTL = 5;
    static final long NEGATIVE_TTL = 10;
    static final int MAX_RESPONSE_BYTES = 4095;
    /** The five DNS-SD browse names of RFC 6763 §11, which tailscale answers NXDOMAIN to save battery. */
    /** Zone-level types tailscale leaves unimplemented rather than invent NS and SOA data for names. */
    private static final Set<Integer> UNIMPLEMENTED_TYPES = Set.of(DnsType.NS, DnsType.SOA, DnsType.AXFR,
            DnsType.HINFO);
    private static final Pattern BONJOUR = Pattern.compile("(b|db|r|dr|lb)\\._dns-sd\\._udp\\..*");

    private final MagicDnsHosts hosts;
    private final DnsRoutes routes;
    private final long soaSerial;
    private final boolean ipv4Answers;
    private final Optional<InetSocketAddress> exitNodeDoh;

    private MagicDnsResolver(MagicDnsHosts hosts, DnsRoutes routes, long soaSerial, boolean ipv4Answers) {
        this(hosts, routes, soaSerial, ipv4Answers, Optional.empty());
    }

    private MagicDnsResolver(MagicDnsHosts hosts, DnsRoutes routes, long soaSerial, boolean ipv4Answers,
                             Optional<InetSocketAddress> exitNodeDoh) {
        this.exitNodeDoh = exitNodeDoh;
        this.hosts = hosts;
        this.routes = routes;
        this.soaSerial = soaSerial;
        this.ipv4Answers = ipv4Answers;
    }

    /**
     * The resolver for {@code netmap}. {@code zoneChanged}, when the netmap arrived, becomes the
     * SOA serial (Unix seconds), which tailscale takes from the clock; nothing reads it but
     * caches comparing zone versions.
     */
    public static MagicDnsResolver of(Netmap netmap, Instant zoneChanged) {
        return of(netmap, zoneChanged, List.of());
    }

    /**
     * The resolver for {@code netmap} that sends names the tailnet routes nowhere to
     * {@code userUpstreams} (when the netmap has no {@code Resolvers}), and only when there are
     * none of those to control's {@code FallbackResolvers}.
     */
    public static MagicDnsResolver of(Netmap netmap, Instant zoneChanged, List<DnsConfig.Resolver> userUpstreams) {
        MagicDnsHosts hosts = MagicDnsHosts.of(netmap);
        return new MagicDnsResolver(hosts, new DnsRoutes(netmap.dns().orElse(null), hosts.suffix(), userUpstreams),
                zoneChanged.getEpochSecond() & 0xFFFF_FFFFL, true);
    }

    /**
     * The resolver for {@code netmap} as {@link #of(Netmap, Instant, List)}, except that names the
     * tailnet's {@code Resolvers} do not cover go to the exit node's DoH {@code exitNodeDoh}
     * ({@link ExitNodeDoh#endpoint}) when there is one, ahead of the user's upstreams.
     */
    public static MagicDnsResolver of(Netmap netmap, Instant zoneChanged, List<DnsConfig.Resolver> userUpstreams,
                                      Optional<InetSocketAddress> exitNodeDoh) {
        MagicDnsHosts hosts = MagicDnsHosts.of(netmap);
        DnsRoutes routes = new DnsRoutes(netmap.dns().orElse(null), hosts.suffix(), userUpstreams,
                exitNodeDoh.map(e -> new DnsConfig.Resolver(ExitNodeDoh.url(e))));
        return new MagicDnsResolver(hosts, routes, zoneChanged.getEpochSecond() & 0xFFFF_FFFFL, true, exitNodeDoh);
    }

    /** The exit node's DoH endpoint this resolver forwards to, if any: the one upstream asked over HTTP. */
    public Optional<InetSocketAddress> exitNodeDoh() {
        return exitNodeDoh;
    }

    /**
     * The resolver for {@code netmap} as {@link #of(Netmap, Instant, List)}, for clients with no
     * IPv4 (the IPv6-only devices of a bridge): tailnet names answer with their IPv6 addresses
     * only, as for an IPv6-only self node, and an A query gets no data with the zone's SOA.
     */
    public static MagicDnsResolver forIpv6OnlyClients(Netmap netmap, Instant zoneChanged,
                                                      List<DnsConfig.Resolver> userUpstreams) {
        MagicDnsHosts hosts = MagicDnsHosts.forIpv6Only(netmap);
        return new MagicDnsResolver(hosts, new DnsRoutes(netmap.dns().orElse(null), hosts.suffix(), userUpstreams),
                zoneChanged.getEpochSecond() & 0xFFFF_FFFFL, false);
    }

    /** The names this resolver answers from, for looking them up without packets. */
    public MagicDnsHosts hosts() {
        return hosts;
    }

    /** The answer to one query, or where to forward it. Malformed queries get FORMERR. */
    public DnsOutcome respond(byte[] query, Transport transport) {
        DnsMessage q;
        try {
            q = DnsMessage.parse(query);
        } catch (DnsFormatException e) {
            return formatError(query);
        }
        if (q.header().response() || q.questions().isEmpty()) {
            return formatError(query);
        }
        DnsQuestion question = q.questions().getFirst();
        String name = DnsNames.canonical(question.name());
        Optional<Local> local = question.type() == DnsType.PTR ? reverse(name, question) : forward(name, question);
        if (local.isPresent()) {
            return answer(q, question, local.get(), transport);
        }
        if (BONJOUR.matcher(name).matches()) {
            return answer(q, question, new Local(DnsRcode.NXDOMAIN, List.of(), Optional.empty()), transport);
        }
        List<DnsConfig.Resolver> upstream = routes.resolversFor(name);
        return upstream.isEmpty()
                ? answer(q, question, new Local(DnsRcode.SERVFAIL, List.of(), Optional.empty()), transport)
                : new DnsOutcome.Forward(upstream);
    }

    /** A locally made answer: the records and, for negative answers, the zone whose SOA goes along. */
    private record Local(int rcode, List<DnsRecord> answers, Optional<String> soaZone) {}

    private Optional<Local> forward(String name, DnsQuestion question) {
        if (DnsNames.within(name, "onion.")) {
            // RFC 7686: never leak .onion names to resolvers.
            return Optional.of(new Local(DnsRcode.NXDOMAIN, List.of(), Optional.empty()));
        }
        Optional<Local> via = via(name, question);
        if (via.isPresent()) {
            return via;
        }
        Optional<List<InetAddress>> known = hosts.addresses(name)
                .map(all -> ipv4Answers ? all : all.stream().filter(Inet6Address.class::isInstance).toList());
        if (known.isEmpty()) {
            return routes.localZone(name).map(zone -> new Local(DnsRcode.NXDOMAIN, List.of(), Optional.of(zone)));
        }
        if (UNIMPLEMENTED_TYPES.contains(question.type())) {
            return Optional.of(new Local(DnsRcode.NOTIMP, List.of(), Optional.empty()));
        }
        List<InetAddress> matching = switch (question.type()) {
            case DnsType.A -> known.get().stream().filter(Inet4Address.class::isInstance).toList();
            case DnsType.AAAA -> known.get().stream().filter(Inet6Address.class::isInstance).toList();
            case DnsType.ANY -> known.get();
            default -> List.of();
        };
        List<DnsRecord> answers = matching.stream()
                .map(address -> DnsRecord.address(question.name(), address, POSITIVE_TTL)).toList();
        boolean addressQuery = question.type() == DnsType.A || question.type() == DnsType.AAAA
                || question.type() == DnsType.ANY;
        // No data of an address type is a negative answer and gets the SOA; other types just come back empty.
        Optional<String> soa = answers.isEmpty() && addressQuery ? routes.localZone(name) : Optional.empty();
        return Optional.of(new Local(DnsRcode.NOERROR, answers, soa));
    }

    /**
     * A 4via6 name ({@link ViaNames}), ahead of the tailnet's hosts as tailscale's resolver asks:
     * AAAA and ANY get the via address; A gets no data, the name existing; other types are not
     * answered here.
     */
    private Optional<Local> via(String name, DnsQuestion question) {
        int type = question.type();
        if (type != DnsType.A && type != DnsType.AAAA && type != DnsType.ANY) {
            return Optional.empty();
        }
        return ViaNames.address(name, hosts.suffix()).map(address -> new Local(DnsRcode.NOERROR,
                type == DnsType.A ? List.of() : List.of(DnsRecord.address(question.name(), address, POSITIVE_TTL)),
                Optional.empty()));
    }

    private Optional<Local> reverse(String name, DnsQuestion question) {
        if (BONJOUR.matcher(name).matches()) {
            return Optional.empty();
        }
        Optional<InetAddress> address = ReverseName.address(name);
        if (address.isEmpty()) {
            return Optional.empty();
        }
        Optional<String> owner = hosts.owner(address.get());
        if (owner.isPresent()) {
            return Optional.of(new Local(DnsRcode.NOERROR,
                    List.of(DnsRecord.ptr(question.name(), owner.get(), POSITIVE_TTL)), Optional.empty()));
        }
        return routes.localZone(name).map(zone -> new Local(DnsRcode.NXDOMAIN, List.of(), Optional.of(zone)));
    }

    private DnsOutcome answer(DnsMessage query, DnsQuestion question, Local local, Transport transport) {
        List<DnsRecord> authority = local.soaZone().map(zone -> List.of(new DnsRecord(zone, DnsType.SOA,
                DnsClass.IN, NEGATIVE_TTL, new DnsRdata.Soa(zone, zone, soaSerial, NEGATIVE_TTL, NEGATIVE_TTL,
                NEGATIVE_TTL, NEGATIVE_TTL)))).orElse(List.of());
        DnsMessage reply = new DnsMessage(query.header().answer(local.rcode()), List.of(question), local.answers(),
                authority, List.of());
        int limit = transport == Transport.UDP ? Math.min(query.udpPayloadLimit(), MAX_RESPONSE_BYTES)
                : MAX_RESPONSE_BYTES;
        return new DnsOutcome.Answer(reply.encode(limit));
    }

    /** FORMERR with the query's ID and flags when there are enough bytes for them, as tailscale does. */
    private static DnsOutcome formatError(byte[] query) {
        DnsHeader header = query.length < 4 ? DnsHeader.fromWire(0, 0) : DnsHeader.fromWire(
                (query[0] & 0xFF) << 8 | query[1] & 0xFF, (query[2] & 0xFF) << 8 | query[3] & 0xFF);
        DnsMessage reply = new DnsMessage(header.answer(DnsRcode.FORMERR), List.of(), List.of(), List.of(), List.of());
        return new DnsOutcome.Answer(reply.encode(MAX_RESPONSE_BYTES));
    }
}
