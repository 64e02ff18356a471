package io.microlink.dns;

import io.microlink.AddressText;
import io.microlink.control.wire.Hostinfo;
import io.microlink.control.wire.Node;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;

/**
 * Where an exit node answers DNS for the nodes that use it, as tailscale finds it
 * ({@code exitNodeCanProxyDNS}, {@code peerAPIBase}): a node that lists the service
 * {@code peerapi-dns-proxy} in its Hostinfo answers DNS-over-HTTP at {@code /dns-query} on its
 * peerAPI, the {@code peerapi4} port on its IPv4 tailnet address (when this node has one too),
 * else the {@code peerapi6} port on its IPv6 one. Sans I/O.
 *
 * <pre>{@code
 * Optional<InetSocketAddress> doh = ExitNodeDoh.endpoint(exitNode, true);
 * doh.map(ExitNodeDoh::url); // "http://100.64.0.7:41641/dns-query"
 * }</pre>
 */
public final class ExitNodeDoh {
    /** The Hostinfo service that says a node answers DNS on its peerAPI. */
    static final String DNS_SERVICE = "peerapi-dns-proxy";
    /** The path of the peerAPI's DNS endpoint. */
    static final String PATH = "/dns-query";

    private ExitNodeDoh() {}

    /**
     * The DoH endpoint of {@code exitNode}, empty when it does not offer one.
     *
     * @param selfHasIpv4 whether this node has an IPv4 tailnet address to ask the IPv4 peerAPI from
     */
    public static Optional<InetSocketAddress> endpoint(Node exitNode, boolean selfHasIpv4) {
        Hostinfo info = exitNode.hostinfo();
        List<Hostinfo.Service> services = info == null || info.services() == null ? List.of() : info.services();
        if (services.stream().noneMatch(s -> DNS_SERVICE.equals(s.proto()))) {
            return Optional.empty();
        }
        if (selfHasIpv4) {
            Optional<InetSocketAddress> v4 = on(exitNode, services, "peerapi4", 4);
            if (v4.isPresent()) {
                return v4;
            }
        }
        return on(exitNode, services, "peerapi6", 16);
    }

    /** The URL tailscale puts in the DNS config for {@code endpoint}; only an endpoint of {@link #endpoint} is asked over DoH. */
    public static String url(InetSocketAddress endpoint) {
        String host = AddressText.of(endpoint.getAddress());
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + endpoint.getPort() + PATH;
    }

    private static Optional<InetSocketAddress> on(Node node, List<Hostinfo.Service> services, String proto, int length) {
        Optional<Integer> port = services.stream().filter(s -> proto.equals(s.proto()))
                .map(Hostinfo.Service::port).filter(p -> p > 0 && p <= 0xFFFF).findFirst();
        Optional<InetAddress> address = node.addresses() == null ? Optional.empty() : node.addresses().stream()
                .map(a -> a.contains("/") ? a.substring(0, a.indexOf('/')) : a)
                .map(a -> AddressText.socketAddress(a, 1)).flatMap(Optional::stream)
                .map(InetSocketAddress::getAddress).filter(a -> a.getAddress().length == length).findFirst();
        return port.flatMap(p -> address.map(a -> new InetSocketAddress(a, p)));
    }
}
