package io.microlink.dns;

import io.microlink.netstack.relay.SocketBinder;
import io.microlink.netstack.socket.Netstack;
import io.microlink.netstack.socket.StreamConnection;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.function.Predicate;

/**
 * How a forwarder reaches upstream resolvers: one socket per exchange, so each query leaves from
 * its own source port (an off-path forger must guess it as well as the random ID). Resolvers on
 * tailnet addresses are asked through the node's own netstack (the tailnet, with its packet
 * filter) when the node runs in userspace mode; every other resolver, and all of them in TUN
 * mode (where the OS routes tailnet addresses into the device), through the host's sockets,
 * each readied by the node's {@link SocketBinder} (bound to the active uplink) before it sends.
 *
 * <pre>{@code
 * UpstreamSockets sockets = UpstreamSockets.splitBy(netstack, UpstreamSockets::isTailnetAddress, SocketBinder.DEFAULT_ROUTE);
 * try (UpstreamSockets.Exchange e = sockets.open(upstream, DnsForwarder.Transport.UDP, Duration.ofSeconds(2))) {
 *     e.send(query);
 *     UpstreamSockets.Received r = e.receive(Duration.ofSeconds(2));
 * }
 * }</pre>
 */
public interface UpstreamSockets {
    /** A message and the address it came from. */
    record Received(InetSocketAddress from, byte[] message) {}

    /** One query's socket: a UDP socket of its own, or a TCP connection carrying length-prefixed messages. */
    interface Exchange extends Closeable {
        void send(byte[] message) throws IOException;

        /** The next message, or null if none came within {@code timeout}. */
        Received receive(Duration timeout) throws IOException;
    }

    /** Opens an exchange with {@code upstream}; a TCP connection must be made within {@code timeout}. */
    Exchange open(InetSocketAddress upstream, DnsForwarder.Transport transport, Duration timeout) throws IOException;

    /** The host's own sockets for every upstream, following its routing table. */
    static UpstreamSockets os() {
        return os(SocketBinder.DEFAULT_ROUTE);
    }

    /** The host's own sockets for every upstream, each readied by {@code binder}. */
    static UpstreamSockets os(SocketBinder binder) {
        return (upstream, transport, timeout) -> transport == DnsForwarder.Transport.UDP
                ? new OsUdpExchange(upstream, binder)
                : new StreamExchange(StreamConnection.of(connect(upstream, timeout, binder)));
    }

    /**
     * Upstreams {@code viaTailnet} picks through {@code stack}, the rest through the host's
     * sockets readied by {@code binder}.
     */
    static UpstreamSockets splitBy(Netstack stack, Predicate<InetAddress> viaTailnet, SocketBinder binder) {
        UpstreamSockets os = os(binder);
        return (upstream, transport, timeout) -> {
            if (!viaTailnet.test(upstream.getAddress())) {
                return os.open(upstream, transport, timeout);
            }
            return transport == DnsForwarder.Transport.UDP
                    ? new TailnetUdpExchange(stack.bindUdp(0), upstream)
                    : new StreamExchange(stack.connect(upstream.getAddress(), upstream.getPort(), timeout.toMillis()));
        };
    }

    /**
     * The exit node's DoH endpoint of the moment ({@code endpoint}; empty when there is none) is
     * asked over DNS-over-HTTP through {@code stack}, as this node's own dial, whatever transport
     * the forwarder picked (an HTTP answer is never truncated); every other upstream through {@code rest}.
     */
    static UpstreamSockets withExitNodeDoh(Netstack stack, Supplier<Optional<InetSocketAddress>> endpoint,
                                           UpstreamSockets rest) {
        return (upstream, transport, timeout) -> {
            if (!endpoint.get().filter(upstream::equals).isPresent()) {
                return rest.open(upstream, transport, timeout);
            }
            return new DohExchange(stack.connect(upstream.getAddress(), upstream.getPort(), timeout.toMillis()), upstream);
        };
    }

    /** Whether {@code address} is in tailscale's ranges, 100.64.0.0/10 or fd7a:115c:a1e0::/48. */
    static boolean isTailnetAddress(InetAddress address) {
        byte[] a = address.getAddress();
        return a.length == 4 ? (a[0] & 0xFF) == 100 && (a[1] & 0xC0) == 64
                : (a[0] & 0xFF) == 0xfd && (a[1] & 0xFF) == 0x7a && (a[2] & 0xFF) == 0x11 && (a[3] & 0xFF) == 0x5c
                && (a[4] & 0xFF) == 0xa1 && (a[5] & 0xFF) == 0xe0;
    }

    private static Socket connect(InetSocketAddress upstream, Duration timeout, SocketBinder binder) throws IOException {
        Socket s = new Socket();
        try {
            binder.bindTcp(s, upstream.getAddress());
            s.connect(upstream, (int) Math.max(1, timeout.toMillis()));
            return s;
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }
}
