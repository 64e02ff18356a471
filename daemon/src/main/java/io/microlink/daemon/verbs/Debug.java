package io.microlink.daemon.verbs;

import io.microlink.daemon.cli.Context;
import io.microlink.daemon.cli.Options;
import io.microlink.daemon.cli.UsageException;
import io.microlink.daemon.cli.Verb;
import io.microlink.ViaRoutes;
import java.util.List;

/**
 * {@code microlink debug via SITE-ID IPV4-CIDR} and {@code microlink debug via VIA-CIDR}: the
 * 4via6 route of an IPv4 prefix on one site, and back, printed as {@code tailscale debug via}
 * prints them. Needs no daemon.
 */
final class Debug implements Verb {
    @Override
    public String name() {
        return "debug";
    }

    @Override
    public String arguments() {
        return "via (SITE-ID IPV4-CIDR | VIA-CIDR)";
    }

    @Override
    public String summary() {
        return "compute a 4via6 route: the IPv6 route of an IPv4 subnet on one site, or the reverse";
    }

    @Override
    public String details() {
        return """
                Two sites that use the same IPv4 subnet are told apart by a site ID (0 to 65535, decimal
                or 0x hex). Advertise the printed route with `microlink up --advertise-routes ROUTE`; peers
                reach a host 10.1.1.5 of site 7 at the via address, or by the MagicDNS name 10-1-1-5-via-7.
                  microlink debug via 7 10.1.1.0/24                   fd7a:115c:a1e0:b1a:0:7:a01:100/120
                  microlink debug via fd7a:115c:a1e0:b1a:0:7:a01:100/120   site 7 (0x7), 10.1.1.0/24""";
    }

    @Override
    public Options options() {
        return new Options();
    }

    @Override
    public int run(Options.Parsed args, Context context) throws UsageException {
        List<String> p = args.positionals();
        if (p.isEmpty() || !p.getFirst().equals("via")) {
            throw new UsageException("expected `debug via SITE-ID IPV4-CIDR` or `debug via VIA-CIDR`");
        }
        try {
            context.io().out().println(switch (p.size()) {
                case 2 -> describe(ViaRoutes.site(p.get(1)));
                case 3 -> ViaRoutes.route(siteId(p.get(1)), p.get(2));
                default -> throw new UsageException("expected either SITE-ID IPV4-CIDR or one VIA-CIDR after `via`");
            });
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        return 0;
    }

    private static String describe(ViaRoutes.Site site) {
        return "site " + site.siteId() + " (0x" + Long.toHexString(site.siteId()) + "), " + site.ipv4Prefix();
    }

    private static long siteId(String text) {
        try {
            boolean hex = text.startsWith("0x") || text.startsWith("0X");
            return Long.parseUnsignedLong(hex ? text.substring(2) : text, hex ? 16 : 10);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid site ID \"" + text + "\"; it must be decimal, or hex with 0x");
        }
    }
}
