package io.microlink.dns;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * The decisions of a DNS forwarder, sans I/O: which upstream to ask over which transport, with
 * which message, and what to tell the client; the caller moves the bytes and feeds back what
 * came. Each query goes to its upstreams in order, one at a time, under a fresh random ID; an
 * answer counts only from the address it was sent to, with that ID and the same question, so
 * anything else is ignored as a forgery would be. A UDP answer with TC is asked again over
 * TCP; SERVFAIL, REFUSED, NOTIMP or silence moves on to the next upstream, and when none is
 * left the client gets SERVFAIL. Answers are cached within their TTL ({@link ForwardedAnswer#cacheSeconds})
 * and cut to the client's limit with TC set. At most {@link Limits#maxOutstanding} queries wait
 * at once; past that a query is dropped and counted (the client retries). Not thread-safe:
 * one caller, or a lock around every call ({@link DnsForwardRunner} does that).
 *
 * <pre>{@code
 * DnsForwarder<Client> f = new DnsForwarder<>(DnsForwarder.Limits.DEFAULT, new SecureRandom());
 * for (DnsForwarder.Action<Client> a : f.query(client, query, 512, upstreams, System.nanoTime())) {
 *     switch (a) {
 *         case DnsForwarder.Reply<Client> r -> send(r.client(), r.message());
 *         case DnsForwarder.Send<Client> s -> ask(s); // then f.answer(...) or f.failed(...)
 *     }
 * }
 * }</pre>
 *
 * @param <C> whatever the caller needs to answer a client (its address, its connection)
 */
public final class DnsForwarder<C> {
    /** How a message travels to an upstream. */
    public enum Transport { UDP, TCP }

    /** What the caller does next. */
    public sealed interface Action<C> permits Reply, Send {}

    /** Send {@code message} to {@code client}: a complete answer, already within its limit. */
    public record Reply<C>(C client, byte[] message) implements Action<C> {}

    /**
     * Send {@code message} to {@code upstream} over {@code transport}, then hand what comes back
     * to {@link #answer} with this {@code exchange}, or call {@link #failed} by {@code deadlineNanos}.
     */
    public record Send<C>(long exchange, InetSocketAddress upstream, Transport transport, byte[] message,
                          long deadlineNanos) implements Action<C> {}

    /**
     * @param maxOutstanding client queries waiting for upstreams at once
     * @param attemptTimeout how long one upstream gets for one transport
     * @param maxUpstreams   upstreams tried per query, the first ones listed
     * @param cacheEntries   answers cached at most
     * @param cacheBytes     bytes of cached answers at most
     */
    public record Limits(int maxOutstanding, Duration attemptTimeout, int maxUpstreams, int cacheEntries,
                         long cacheBytes) {
        /** 128 queries (quad-100's bound since it forwards), 2 s per attempt, 3 upstreams, 4096 answers in 4 MiB. */
        public static final Limits DEFAULT = new Limits(128, Duration.ofSeconds(2), 3, 4096, 4L << 20);
    }

    private static final class Pending<C> {
        final C client;
        final byte[] clientQuery;
        final int clientLimit;
        final ForwardCache.Key key;
        final List<InetSocketAddress> upstreams;
        int upstream;
        long exchange;
        byte[] sent;
        Transport transport;

        Pending(C client, byte[] clientQuery, int clientLimit, ForwardCache.Key key) {
            this.client = client;
            this.clientQuery = clientQuery;
            this.clientLimit = clientLimit;
            this.key = key;
            this.upstreams = key.upstreams();
        }
    }

    private final Limits limits;
    private final RandomGenerator random;
    private final ForwardCache cache;
    private final Map<Long, Pending<C>> pending = new HashMap<>();
    private long lastExchange;
    private long refused;
    private long ignored;

    public DnsForwarder(Limits limits, RandomGenerator random) {
        this.limits = limits;
        this.random = random;
        this.cache = new ForwardCache(limits.cacheEntries(), limits.cacheBytes());
    }

    /**
     * A client's query for {@code upstreams}: answered from the cache, refused as malformed
     * (FORMERR: forwarded queries must hold one uncompressed question), failed at once with no
     * upstream (SERVFAIL), dropped when too many wait, or sent to the first upstream.
     *
     * @param clientLimit the largest answer the client takes: its UDP payload size, or 65535 over TCP
     */
    public List<Action<C>> query(C client, byte[] query, int clientLimit, List<InetSocketAddress> upstreams,
                                 long nowNanos) {
        DnsMessage parsed;
        try {
            parsed = DnsMessage.parse(query);
        } catch (DnsFormatException e) {
            parsed = null;
        }
        if (parsed == null || parsed.header().response() || ForwardedAnswer.questionEnd(query) < 0) {
            return List.of(new Reply<>(client, failure(query, DnsRcode.FORMERR)));
        }
        DnsQuestion q = parsed.questions().getFirst();
        boolean dnssecOk = parsed.additionals().stream().anyMatch(r -> r.type() == DnsType.OPT && (r.ttl() & 0x8000) != 0);
        List<InetSocketAddress> asked = upstreams.subList(0, Math.min(upstreams.size(), limits.maxUpstreams()));
        ForwardCache.Key key = new ForwardCache.Key(DnsNames.canonical(q.name()), q.type(), q.dnsClass(), dnssecOk,
                parsed.header().checkingDisabled(), List.copyOf(asked));
        Optional<byte[]> cached = cache.get(key, nowNanos)
                .flatMap(hit -> hit.answer().forClient(query, hit.agedSeconds(), clientLimit));
        if (cached.isPresent()) {
            return List.of(new Reply<>(client, cached.get()));
        }
        if (asked.isEmpty()) {
            return List.of(new Reply<>(client, failure(query, DnsRcode.SERVFAIL)));
        }
        if (pending.size() >= limits.maxOutstanding()) {
            refused++;
            return List.of();
        }
        return List.of(attempt(new Pending<>(client, query.clone(), clientLimit, key), 0, Transport.UDP, nowNanos));
    }

    /**
     * What came back on {@code exchange} from {@code from}. Anything but the awaited answer from
     * the awaited address is ignored (and counted): the exchange keeps waiting.
     */
    public List<Action<C>> answer(long exchange, InetSocketAddress from, byte[] message, long nowNanos) {
        Pending<C> p = pending.get(exchange);
        Optional<ForwardedAnswer> matched = p == null || !from.equals(p.upstreams.get(p.upstream))
                ? Optional.empty() : ForwardedAnswer.match(p.sent, message);
        if (matched.isEmpty()) {
            ignored++;
            return List.of();
        }
        ForwardedAnswer a = matched.get();
        if (a.truncated() && p.transport == Transport.UDP) {
            return List.of(attempt(p, p.upstream, Transport.TCP, nowNanos));
        }
        int rcode = a.rcode();
        boolean tryNext = rcode == DnsRcode.SERVFAIL || rcode == DnsRcode.NOTIMP || rcode == DnsRcode.REFUSED;
        if (tryNext && p.upstream + 1 < p.upstreams.size()) {
            return List.of(attempt(p, p.upstream + 1, Transport.UDP, nowNanos));
        }
        pending.remove(exchange);
        Optional<byte[]> reply = a.forClient(p.clientQuery, 0, p.clientLimit);
        if (reply.isEmpty()) {
            ignored++;
            return List.of(new Reply<>(p.client, failure(p.clientQuery, DnsRcode.SERVFAIL)));
        }
        cache.put(p.key, a, nowNanos);
        return List.of(new Reply<>(p.client, reply.get()));
    }

    /** {@code exchange} got no answer in time, or its transport failed: the next upstream, or SERVFAIL. */
    public List<Action<C>> failed(long exchange, long nowNanos) {
        Pending<C> p = pending.get(exchange);
        if (p == null) {
            return List.of();
        }
        if (p.upstream + 1 < p.upstreams.size()) {
            return List.of(attempt(p, p.upstream + 1, Transport.UDP, nowNanos));
        }
        pending.remove(exchange);
        return List.of(new Reply<>(p.client, failure(p.clientQuery, DnsRcode.SERVFAIL)));
    }

    /** Whether {@code exchange} still waits; once it does not, its socket may close. */
    public boolean awaits(long exchange) {
        return pending.containsKey(exchange);
    }

    /** Client queries waiting for an upstream now. */
    public int outstanding() {
        return pending.size();
    }

    /** Queries dropped because {@link Limits#maxOutstanding} were waiting. */
    public long refused() {
        return refused;
    }

    /** Messages ignored: late, from another address, with another ID or question, or malformed. */
    public long ignored() {
        return ignored;
    }

    /** Answers in the cache now. */
    public int cached() {
        return cache.size();
    }

    private Send<C> attempt(Pending<C> p, int upstream, Transport transport, long nowNanos) {
        pending.remove(p.exchange);
        p.upstream = upstream;
        p.transport = transport;
        p.exchange = ++lastExchange;
        p.sent = p.clientQuery.clone();
        int id = random.nextInt(0x10000);
        p.sent[0] = (byte) (id >>> 8);
        p.sent[1] = (byte) id;
        pending.put(p.exchange, p);
        return new Send<>(p.exchange, p.upstreams.get(upstream), transport, p.sent.clone(),
                nowNanos + limits.attemptTimeout().toNanos());
    }

    /** An answer with no records: the query's ID, opcode, RD and CD, and {@code rcode}. */
    private static byte[] failure(byte[] query, int rcode) {
        int id = query.length < 2 ? 0 : (query[0] & 0xFF) << 8 | query[1] & 0xFF;
        int flags = query.length < 4 ? 0 : (query[2] & 0xFF) << 8 | query[3] & 0xFF;
        DnsHeader q = DnsHeader.fromWire(id, flags);
        DnsHeader header = new DnsHeader(id, true, q.opcode(), false, false, q.recursionDesired(), true, false,
                q.checkingDisabled(), rcode);
        List<DnsQuestion> question = List.of();
        if (rcode != DnsRcode.FORMERR) {
            try {
                question = List.of(DnsMessage.parse(query).questions().getFirst());
            } catch (DnsFormatException e) {
                // FORMERR never needs it; other failures come from parsed queries
            }
        }
        return new DnsMessage(header, question, List.of(), List.of(), List.of()).encode(DnsMessage.CLASSIC_UDP_LIMIT);
    }
}
