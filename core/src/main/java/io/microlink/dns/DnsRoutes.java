package io.microlink.dns;

import io.microlink.control.wire.DnsConfig;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * Which zones quad-100 answers for itself and where it forwards the rest, from control's DNS
 * config as tailscale compiles it ({@code dnsConfigForNetmap}, {@code magicDNSRootDomains},
 * net/dns {@code compileConfig}): with MagicDNS on, the MagicDNS suffix and the tailnet's
 * reverse zones are local; so is every split-DNS route with no resolvers; other routes forward,
 * the most specific suffix first, and {@code Resolvers} is the route for "." (else the exit
 * node's DoH endpoint when one is in use, else the user's upstreams, else {@code FallbackResolvers}).
 * tailscale puts the exit node's DoH even ahead of the tailnet's {@code Resolvers} unless they say
 * {@code UseWithExitNode}; here a tailnet's own resolvers keep the names it routes to them.
 */
final class DnsRoutes {
    /** Reverse zone of fd7a:115c:a1e0::/48, tailscale's IPv6 range. */
    static final String IPV6_REVERSE_ZONE = "0.e.1.a.c.5.1.1.a.7.d.f.ip6.arpa.";

    private record Route(String suffix, List<DnsConfig.Resolver> resolvers) {}

    private final List<String> localZones = new ArrayList<>();
    private final List<Route> forwardRoutes = new ArrayList<>();

    /**
     * @param userUpstreams the route for "." when the config has no {@code Resolvers}: they stand
     *                      where tailscale puts the OS's own resolvers, ahead of {@code FallbackResolvers}
     */
    DnsRoutes(DnsConfig config, Optional<String> magicDnsSuffix, List<DnsConfig.Resolver> userUpstreams) {
        this(config, magicDnsSuffix, userUpstreams, Optional.empty());
    }

    /** @param exitNodeDoh the exit node's DoH resolver, the route for "." when the tailnet gives no {@code Resolvers} */
    DnsRoutes(DnsConfig config, Optional<String> magicDnsSuffix, List<DnsConfig.Resolver> userUpstreams,
              Optional<DnsConfig.Resolver> exitNodeDoh) {
        if (config == null) {
            if (exitNodeDoh.isPresent()) {
                forwardRoutes.add(new Route(".", List.of(exitNodeDoh.get())));
            } else if (!userUpstreams.isEmpty()) {
                forwardRoutes.add(new Route(".", List.copyOf(userUpstreams)));
            }
            return;
        }
        if (config.proxied() && magicDnsSuffix.isPresent()) {
            localZones.add(magicDnsSuffix.get());
            localZones.add(IPV6_REVERSE_ZONE);
            // 100.64.0.0/10, the CGNAT range tailscale hands out addresses from.
            IntStream.rangeClosed(64, 127).forEach(octet -> localZones.add(octet + ".100.in-addr.arpa."));
        }
        Map<String, List<DnsConfig.Resolver>> routes = config.routes() == null ? Map.of() : config.routes();
        routes.forEach((suffix, resolvers) -> {
            if (resolvers == null || resolvers.isEmpty()) {
                localZones.add(DnsNames.canonical(suffix));
            } else {
                forwardRoutes.add(new Route(DnsNames.canonical(suffix), List.copyOf(resolvers)));
            }
        });
        if (config.resolvers() != null && !config.resolvers().isEmpty()) {
            forwardRoutes.add(new Route(".", List.copyOf(config.resolvers())));
        } else if (exitNodeDoh.isPresent()) {
            forwardRoutes.add(new Route(".", List.of(exitNodeDoh.get())));
        } else if (!userUpstreams.isEmpty()) {
            forwardRoutes.add(new Route(".", List.copyOf(userUpstreams)));
        } else if (config.fallbackResolvers() != null && !config.fallbackResolvers().isEmpty()) {
            forwardRoutes.add(new Route(".", List.copyOf(config.fallbackResolvers())));
        }
        forwardRoutes.sort(Comparator.comparingInt((Route r) -> DnsNames.labels(r.suffix())).reversed());
    }

    /** The local zone holding canonical {@code name}: the owner of the SOA in negative answers. */
    Optional<String> localZone(String name) {
        return localZones.stream().filter(zone -> DnsNames.within(name, zone)).findFirst();
    }

    /** The upstream resolvers for canonical {@code name}, empty when no route covers it. */
    List<DnsConfig.Resolver> resolversFor(String name) {
        return forwardRoutes.stream().filter(r -> DnsNames.within(name, r.suffix())).findFirst()
                .map(Route::resolvers).orElse(List.of());
    }
}
