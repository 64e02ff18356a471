package io.microlink.dns;

import io.microlink.netstack.relay.SocketBinder;
import io.microlink.TailnetNode;
import io.microlink.control.wire.DnsConfig;
import io.microlink.netmap.Netmap;
import io.microlink.netstack.socket.Netstack;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * MagicDNS of a running {@link TailnetNode} for a second data plane beside it: the LOPOWER
 * bridge serves its devices the node's tailnet names and forwards their other names as the
 * node's quad-100 does, through the node's own sockets.
 *
 * <p>Why a hook: {@code TailnetNode} keeps its netmap and netstack to itself (they are not
 * public API, and {@code ApiSurfaceTest} keeps it that way), and core exports this package
 * only to {@code io.microlink.lopower}. {@code TailnetNode} installs its {@link Access} here
 * as its class loads, the way the JDK shares internals between its own packages, so the
 * bridge reads the node's state without any public method of the node growing for it.
 *
 * <pre>{@code
 * MagicDnsServer dns = NodeDns.server(node, false, List.of(), Set.of(bridgeAddress));
 * deviceStack.addUdpService(bridgeAddress, MagicDnsServer.PORT, dns);
 * }</pre>
 */
public final class NodeDns {
    /** What this class reads of a node; only {@code TailnetNode} implements it. */
    public interface Access {
        /** The node's current netmap (empty before the first map). */
        Netmap netmap(TailnetNode node);

        /** The node's userspace netstack, which reaches the tailnet through its WireGuard. */
        Netstack netstack(TailnetNode node);

        /** How the node readies its host sockets (bound to its active uplink, if it has uplinks). */
        SocketBinder hostSockets(TailnetNode node);
    }

    private static volatile Access access;

    private NodeDns() {}

    /**
     * Called once, by {@code TailnetNode}'s static initializer.
     *
     * @throws IllegalStateException on a second call: nothing may replace the node's own reader
     */
    public static synchronized void install(Access nodeAccess) {
        if (access != null) {
            throw new IllegalStateException("node access is installed already");
        }
        access = nodeAccess;
    }

    /**
     * A server answering from {@code node}'s netmap as it changes, silent until the node has one.
     *
     * @param ipv4Answers   whether tailnet names get their IPv4 addresses too; false for clients without IPv4
     *                      (A queries for tailnet names then get no data)
     * @param userUpstreams where names the tailnet's DNS config routes nowhere go, before control's fallback
     * @param own           the addresses the server answers on, never forwarded to
     */
    public static MagicDnsServer server(TailnetNode node, boolean ipv4Answers, List<InetSocketAddress> userUpstreams,
                                        Set<InetAddress> own) {
        Access a = access;
        UpstreamSockets sockets = (upstream, transport, timeout) ->
                UpstreamSockets.splitBy(a.netstack(node), UpstreamSockets::isTailnetAddress, a.hostSockets(node))
                        .open(upstream, transport, timeout);
        return new MagicDnsServer(following(() -> a.netmap(node), ipv4Answers,
                QuadHundredDnsServer.resolvers(userUpstreams)), sockets, own);
    }

    /** The resolver of the netmap {@code netmaps} gives now, made again only when it changed; null before a self node. */
    static Supplier<MagicDnsResolver> following(Supplier<Netmap> netmaps, boolean ipv4Answers,
                                                List<DnsConfig.Resolver> userUpstreams) {
        record Made(Netmap from, MagicDnsResolver resolver) {}
        AtomicReference<Made> last = new AtomicReference<>();
        return () -> {
            Netmap now = netmaps.get();
            if (now == null || now.self().isEmpty()) {
                return null;
            }
            Made m = last.get();
            if (m == null || m.from() != now) {
                m = new Made(now, ipv4Answers ? MagicDnsResolver.of(now, Instant.now(), userUpstreams)
                        : MagicDnsResolver.forIpv6OnlyClients(now, Instant.now(), userUpstreams));
                last.set(m);
            }
            return m.resolver();
        };
    }
}
