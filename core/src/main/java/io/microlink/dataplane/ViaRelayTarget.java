package io.microlink.dataplane;

import io.microlink.netstack.relay.OsRelayTarget;
import io.microlink.netstack.relay.RelayTarget;
import io.microlink.netstack.socket.StreamConnection;
import io.microlink.route.Via;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A {@link RelayTarget} that carries 4via6 traffic on to the IPv4 host a via address stands
 * for, as tailscaled's netstack does ({@code UnmapVia} before it dials or pings): the peer spoke
 * to fd7a:115c:a1e0:b1a:0:7:a4d:5, the host's network knows 10.77.0.5. Every other destination
 * goes to the wrapped target unchanged. A host tailscaled's {@code viaTargetAllowed} refuses
 * (loopback, link-local, tailnet and the like) is refused here too, behind the packet filter's
 * own check, since the tailnet's rules only ever saw the via address.
 */
final class ViaRelayTarget implements RelayTarget {
    private final RelayTarget inner;

    /** @param inner where the translated traffic goes: the host's sockets, or an embedder's network */
    ViaRelayTarget(RelayTarget inner) {
        this.inner = inner;
    }

    @Override
    public StreamConnection dial(InetSocketAddress to, Duration timeout) throws IOException {
        return inner.dial(new InetSocketAddress(host(to.getAddress()), to.getPort()), timeout);
    }

    @Override
    public Datagrams openUdp(InetSocketAddress to, Consumer<byte[]> replies) throws IOException {
        InetAddress host = host(to.getAddress());
        if (host == to.getAddress()) {
            return inner.openUdp(to, replies);
        }
        // The reply leaves as IPv6, whose header is 20 bytes longer than the IPv4 one the host's
        // socket sized its buffer for: what would not fit into one tunnel packet is dropped.
        int fits = OsRelayTarget.maxReply(to.getAddress());
        return inner.openUdp(new InetSocketAddress(host, to.getPort()), reply -> {
            if (reply.length <= fits) {
                replies.accept(reply);
            }
        });
    }

    @Override
    public boolean ping(InetAddress to, Duration timeout) {
        try {
            return inner.ping(host(to), timeout);
        } catch (NoRouteToHostException refused) {
            return false;
        }
    }

    /** {@code to} itself, or the IPv4 host behind a via address. */
    private static InetAddress host(InetAddress to) throws NoRouteToHostException {
        Optional<Inet4Address> behind = Via.ipv4(to);
        if (behind.isEmpty()) {
            return to;
        }
        if (!Via.hostAllowed(behind.get())) {
            throw new NoRouteToHostException("4via6 to a host no router may reach: " + behind.get().getHostAddress());
        }
        return behind.get();
    }
}
