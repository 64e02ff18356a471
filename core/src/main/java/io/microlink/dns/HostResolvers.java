package io.microlink.dns;

import io.microlink.AddressText;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The host's own resolvers, as its {@code /etc/resolv.conf} names them: the {@code nameserver}
 * lines (IP literals; a zone-scoped IPv6 address and anything else is skipped), port 53, the
 * first three, as the C library reads them ({@code MAXNS}). Quad-100 is left out: the host asks
 * a tailscaled there, never this node, and this node must not ask itself.
 *
 * <pre>{@code
 * List<InetSocketAddress> host = HostResolvers.nameservers(Files.readString(Path.of("/etc/resolv.conf")));
 * }</pre>
 */
public final class HostResolvers {
    /** The file the host's resolver reads. */
    public static final Path FILE = Path.of("/etc/resolv.conf");
    private static final int MAX_NAMESERVERS = 3;

    private HostResolvers() {}

    /**
     * The nameservers of {@code text}, in order: literals only (no name is ever looked up), a
     * comment ({@code #} or {@code ;}) ending a line, lines that do not parse skipped as the C
     * library skips them.
     */
    public static List<InetSocketAddress> nameservers(String text) {
        List<InetSocketAddress> out = new ArrayList<>();
        List<InetAddress> quad100 = QuadHundredDnsServer.addresses();
        for (String line : text.split("\n")) {
            String[] words = withoutComment(line).strip().split("[ \t]+");
            if (words.length < 2 || !words[0].equals("nameserver") || out.size() == MAX_NAMESERVERS) {
                continue;
            }
            Optional<InetSocketAddress> a = AddressText.socketAddress(words[1], MagicDnsServer.PORT)
                    .filter(x -> x.getPort() == MagicDnsServer.PORT && !quad100.contains(x.getAddress()));
            a.ifPresent(out::add);
        }
        return out;
    }

    private static String withoutComment(String line) {
        int hash = line.indexOf('#');
        int semicolon = line.indexOf(';');
        int cut = hash < 0 ? semicolon : semicolon < 0 ? hash : Math.min(hash, semicolon);
        return cut < 0 ? line : line.substring(0, cut);
    }

    /**
     * The nameservers of {@code file}, read again when the last reading is older than {@code maxAge}
     * (the host's network may change them), so a query flood does not read the file per query.
     */
    public static Supplier<List<InetSocketAddress>> cached(Path file, Duration maxAge) {
        return new Supplier<>() {
            private List<InetSocketAddress> last = List.of();
            private long readAt = System.nanoTime() - maxAge.toNanos() - 1;

            @Override
            public synchronized List<InetSocketAddress> get() {
                if (System.nanoTime() - readAt > maxAge.toNanos()) {
                    last = read(file);
                    readAt = System.nanoTime();
                }
                return last;
            }
        };
    }

    /** The nameservers of {@code file}; none when it cannot be read. */
    public static List<InetSocketAddress> read(Path file) {
        try {
            return nameservers(Files.readString(file));
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }
}
