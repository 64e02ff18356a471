package io.microlink.outbound;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The hosts {@code NO_PROXY} exempts, read as Go's {@code httpproxy} reads it (tailscaled uses
 * that): comma-separated entries, each an IP address, a CIDR prefix, a domain name, or
 * {@code *} for everything; IP addresses and domains may carry a {@code :port}. A domain matches
 * itself and its subdomains; with a leading dot (or {@code *.}) only its subdomains. Entries
 * that do not parse are skipped, as Go does.
 */
final class NoProxy {
    private record Entry(String domain, boolean matchSelf, byte[] prefix, int bits, int port) {}

    private final boolean everything;
    private final List<Entry> entries;

    private NoProxy(boolean everything, List<Entry> entries) {
        this.everything = everything;
        this.entries = entries;
    }

    static NoProxy parse(String value) {
        List<Entry> entries = new ArrayList<>();
        if (value == null) {
            return new NoProxy(false, entries);
        }
        for (String raw : value.split(",")) {
            String e = raw.strip().toLowerCase(Locale.ROOT);
            if (e.equals("*")) {
                return new NoProxy(true, List.of());
            }
            if (!e.isEmpty()) {
                Entry parsed = entry(e);
                if (parsed != null) {
                    entries.add(parsed);
                }
            }
        }
        return new NoProxy(false, List.copyOf(entries));
    }

    private static Entry entry(String e) {
        int slash = e.indexOf('/');
        if (slash > 0) {
            byte[] ip = literal(e.substring(0, slash));
            Integer bits = number(e.substring(slash + 1));
            return ip == null || bits == null || bits > ip.length * 8 ? null : new Entry(null, false, ip, bits, 0);
        }
        byte[] ip = literal(e);
        if (ip != null) {
            return new Entry(null, false, ip, ip.length * 8, 0);
        }
        String host = e;
        int port = 0;
        int colon = e.lastIndexOf(':');
        if (colon > 0 && e.indexOf(':') == colon || e.startsWith("[") && e.indexOf("]:") > 0) {
            Integer p = number(e.substring(colon + 1));
            if (p == null || p == 0 || p > 65535) {
                return null;
            }
            host = e.substring(0, colon);
            port = p;
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        ip = literal(host);
        if (ip != null) {
            return new Entry(null, false, ip, ip.length * 8, port);
        }
        if (host.startsWith("*.")) {
            host = host.substring(1);
        }
        boolean matchSelf = !host.startsWith(".");
        String domain = matchSelf ? "." + host : host;
        return domain.length() < 2 ? null : new Entry(domain, matchSelf, null, 0, port);
    }

    /** Whether a connection to {@code host:port} goes direct. */
    boolean exempts(String host, int port) {
        if (everything) {
            return true;
        }
        String h = host.toLowerCase(Locale.ROOT);
        byte[] ip = literal(h);
        for (Entry e : entries) {
            if (e.port() != 0 && e.port() != port) {
                continue;
            }
            if (e.domain() != null ? ip == null && (h.endsWith(e.domain()) || e.matchSelf() && h.equals(e.domain().substring(1)))
                    : ip != null && inPrefix(ip, e.prefix(), e.bits())) {
                return true;
            }
        }
        return false;
    }

    private static boolean inPrefix(byte[] ip, byte[] prefix, int bits) {
        if (ip.length != prefix.length) {
            return false;
        }
        for (int i = 0; i < bits; i++) {
            int mask = 0x80 >>> (i % 8);
            if ((ip[i / 8] & mask) != (prefix[i / 8] & mask)) {
                return false;
            }
        }
        return true;
    }

    /** The address bytes of an IP literal, or null for anything else; never a DNS lookup. */
    static byte[] literal(String text) {
        if (text.isEmpty() || !(Character.digit(text.charAt(0), 16) >= 0 || text.charAt(0) == ':')) {
            return null;
        }
        try {
            return InetAddress.ofLiteral(text).getAddress();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static Integer number(String text) {
        if (text.isEmpty() || text.length() > 5 || !text.chars().allMatch(Character::isDigit)) {
            return null;
        }
        return Integer.parseInt(text);
    }
}
