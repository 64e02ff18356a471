package io.microlink.dns;

import io.microlink.control.wire.DnsConfig;
import io.microlink.control.wire.Node;
import io.microlink.netmap.Netmap;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The names MagicDNS knows in one netmap, looked up without any packets: every node's FQDN and
 * short name (the FQDN minus the MagicDNS suffix), control's ExtraRecords, and the node owning
 * each tailnet address. Node addresses follow tailscale's {@code magicDNSAddrs} rule
 * (ipn/ipnlocal/node_backend.go): an IPv6-only self node sees only IPv6 addresses; otherwise a
 * node that has IPv4 is given without its IPv6 addresses unless the self node has the
 * {@code magicdns-aaaa} attribute.
 *
 * <pre>{@code
 * MagicDnsHosts hosts = MagicDnsHosts.of(netmap);
 * List<InetAddress> ts1 = hosts.lookup("ts1");              // or "ts1.tailnet.test." or "100.64.0.2"
 * }</pre>
 */
public final class MagicDnsHosts {
    static final String PEER_AAAA_ATTRIBUTE = "magicdns-aaaa";
    private static final Pattern IPV4_LITERAL = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private final String suffix;
    private final boolean magicDns;
    private final Map<String, List<InetAddress>> extraRecords = new HashMap<>();
    private final Map<String, List<InetAddress>> nodes = new HashMap<>();
    private final Map<String, List<InetAddress>> shortNames = new HashMap<>();
    private final Map<InetAddress, String> owners = new HashMap<>();

    private MagicDnsHosts(Netmap netmap, boolean forIpv6OnlyAsker) {
        Optional<Node> self = netmap.self();
        suffix = self.map(Node::name).map(MagicDnsHosts::suffixOf).orElse(null);
        magicDns = netmap.dns().map(DnsConfig::proxied).orElse(false);
        List<InetAddress> selfAddresses = self.map(MagicDnsHosts::addressesOf).orElse(List.of());
        boolean selfV6Only = forIpv6OnlyAsker || !selfAddresses.isEmpty()
                && selfAddresses.stream().allMatch(Inet6Address.class::isInstance);
        boolean wantAaaa = self.map(n -> n.hasCapability(PEER_AAAA_ATTRIBUTE)).orElse(false);
        netmap.dns().map(DnsConfig::extraRecords).ifPresent(records -> records.forEach(this::addExtraRecord));
        // Self first, so that a peer with the same name wins, as in tailscale's nodeByName.
        Stream.concat(self.stream(), netmap.peers().stream()).forEach(n -> addNode(n, selfV6Only, wantAaaa));
    }

    /** The hosts of {@code netmap}; build once per netmap snapshot. */
    public static MagicDnsHosts of(Netmap netmap) {
        return new MagicDnsHosts(netmap, false);
    }

    /** The hosts of {@code netmap} as an IPv6-only self node sees them: IPv6 addresses only. */
    static MagicDnsHosts forIpv6Only(Netmap netmap) {
        return new MagicDnsHosts(netmap, true);
    }

    private void addExtraRecord(DnsConfig.Record record) {
        String type = record.type() == null ? "" : record.type();
        if (record.name() == null || record.value() == null || !List.of("", "A", "AAAA").contains(type)) {
            return;
        }
        literal(record.value()).ifPresent(address -> {
            String name = DnsNames.canonical(record.name());
            extraRecords.computeIfAbsent(name, k -> new ArrayList<>()).add(address);
            owners.putIfAbsent(address, name);
        });
    }

    private void addNode(Node node, boolean selfV6Only, boolean wantAaaa) {
        List<InetAddress> all = addressesOf(node);
        if (node.name() == null || node.name().isEmpty() || all.isEmpty()) {
            return;
        }
        boolean has4 = all.stream().anyMatch(Inet4Address.class::isInstance);
        List<InetAddress> answered = all.stream().filter(a -> selfV6Only ? a instanceof Inet6Address
                : a instanceof Inet4Address || !has4 || wantAaaa).toList();
        String fqdn = DnsNames.canonical(node.name());
        nodes.put(fqdn, answered);
        if (suffix != null && !fqdn.equals(suffix) && DnsNames.within(fqdn, suffix)) {
            shortNames.put(fqdn.substring(0, fqdn.length() - suffix.length()), answered);
        }
        String target = node.name().endsWith(".") ? node.name() : node.name() + ".";
        all.forEach(address -> owners.putIfAbsent(address, target));
    }

    private static String suffixOf(String selfName) {
        String fqdn = DnsNames.canonical(selfName);
        int dot = fqdn.indexOf('.');
        return dot + 1 < fqdn.length() ? fqdn.substring(dot + 1) : null;
    }

    private static List<InetAddress> addressesOf(Node node) {
        if (node.addresses() == null) {
            return List.of();
        }
        return node.addresses().stream().map(prefix -> prefix.split("/", 2)[0]).map(MagicDnsHosts::literal)
                .flatMap(Optional::stream).toList();
    }

    /** An IP address literal as such, never a name to look up; anything else is empty. */
    private static Optional<InetAddress> literal(String text) {
        if (!text.contains(":") && !IPV4_LITERAL.matcher(text).matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.ofLiteral(text));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * What the socket layer connects to for {@code host}: an IP literal as is; a node's short
     * name, or any known FQDN with or without the trailing dot (case-insensitive), as the
     * addresses MagicDNS would answer, IPv4 first as control lists them; a 4via6 name
     * ({@code 10-1-1-5-via-7}, {@link ViaNames}) as its via address. Unknown names give an
     * empty list; nothing is sent anywhere.
     */
    public List<InetAddress> lookup(String host) {
        Optional<InetAddress> literal = literal(host);
        if (literal.isPresent()) {
            return List.of(literal.get());
        }
        String name = DnsNames.canonical(host);
        Optional<? extends InetAddress> via = ViaNames.address(name, suffix());
        if (via.isPresent()) {
            return List.of(via.get());
        }
        return addresses(name).or(() -> Optional.ofNullable(shortNames.get(name))).orElse(List.of());
    }

    /**
     * The addresses of canonical {@code name} as a DNS answer gives them, empty when the name is
     * unknown; a known name may have none of the family asked for. ExtraRecords come first, as in
     * tailscale's resolveLocal; bare short names only with MagicDNS on.
     */
    Optional<List<InetAddress>> addresses(String name) {
        List<InetAddress> found = extraRecords.getOrDefault(name, nodes.get(name));
        if (found == null && magicDns) {
            found = shortNames.get(name);
        }
        return Optional.ofNullable(found);
    }

    /** The FQDN a PTR query for {@code address} answers, ExtraRecords first. */
    Optional<String> owner(InetAddress address) {
        return Optional.ofNullable(owners.get(address));
    }

    /** The MagicDNS suffix, e.g. {@code tailnet.test.}: the self node's name minus its first label. */
    Optional<String> suffix() {
        return Optional.ofNullable(suffix);
    }

    boolean magicDns() {
        return magicDns;
    }
}
