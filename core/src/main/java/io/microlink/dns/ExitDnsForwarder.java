package io.microlink.dns;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * What an exit node answers the peers that use it, when they ask over its peerAPI
 * ({@code /dns-query}): their query forwarded to this host's own resolvers, as tailscaled's
 * {@code HandlePeerDNSQuery} forwards it to the first nameserver of its {@code /etc/resolv.conf}.
 * Never MagicDNS: tailnet names stay the asker's own business, and quad-100 is no resolver for
 * other nodes. The forwarding is the node's {@link DnsForwarder} (random IDs, a socket per
 * exchange, answers matched, 128 in flight, a cache) through the node's upstream sockets; the
 * answer is not cut to a UDP size (an HTTP body carries any DNS message), and a query past the
 * in-flight bound is never answered (the caller's deadline ends it).
 *
 * <pre>{@code
 * ExitDnsForwarder dns = new ExitDnsForwarder(() -> HostResolvers.read(HostResolvers.FILE), UpstreamSockets.os());
 * byte[] answer = dns.answer(query).get(5, TimeUnit.SECONDS);
 * }</pre>
 */
public final class ExitDnsForwarder {
    private final Supplier<List<InetSocketAddress>> upstreams;
    private final DnsForwardRunner<CompletableFuture<byte[]>> runner;

    /**
     * @param upstreams the host's resolvers of the moment (the user's configured upstreams, or the host's own)
     * @param sockets   how they are reached
     */
    public ExitDnsForwarder(Supplier<List<InetSocketAddress>> upstreams, UpstreamSockets sockets) {
        this.upstreams = upstreams;
        this.runner = new DnsForwardRunner<>(DnsForwarder.Limits.DEFAULT, sockets,
                (future, message) -> future.complete(message));
    }

    /** The answer to {@code query}: the resolver's, SERVFAIL when none answered, FORMERR for a malformed query. */
    public CompletableFuture<byte[]> answer(byte[] query) {
        CompletableFuture<byte[]> answer = new CompletableFuture<>();
        runner.query(answer, query, 0xFFFF, upstreams.get());
        return answer;
    }

    /** Queries dropped because as many as allowed were waiting. */
    public long refused() {
        return runner.refused();
    }
}
