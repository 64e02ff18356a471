package io.microlink.interop;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A real SOCKS5 proxy, Debian's microsocks, inside a network namespace (e.g. a
 * {@link NatTopology} router, as a company's proxy at the edge of its LAN): it serves
 * {@code CONNECT} to any address, asks for RFC 1929 username/password when given some, and logs
 * each tunnel it opens ({@code client[N] IP: connected to HOST:PORT}), so a test can tell its
 * traffic went through. Written by others than us, unlike the host module's SOCKS5 server.
 *
 * <pre>{@code
 * try (Microsocks proxy = Microsocks.start(dir, router.namespace(), router.lanGateway(), 1080, null, null)) {
 *     ... --outbound-proxy proxy.url("socks5h") ...
 * }
 * }</pre>
 */
public final class Microsocks implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

    private final ManagedProcess process;
    private final String address;
    private final int port;

    private Microsocks(ManagedProcess process, String address, int port) {
        this.process = process;
        this.address = address;
        this.port = port;
    }

    /**
     * Starts microsocks on {@code address:port} inside {@code namespace} and waits until it
     * accepts connections.
     *
     * @param user     the user name it requires, or null for none
     * @param password with {@code user} (on its command line: a test's throwaway secret only)
     */
    public static Microsocks start(Path dir, String namespace, String address, int port, String user, String password) {
        List<String> command = new ArrayList<>(List.of("microsocks", "-i", address, "-p", Integer.toString(port)));
        if (user != null) {
            command.addAll(List.of("-u", user, "-P", password));
        }
        ManagedProcess p = ManagedProcess.start("microsocks-" + port, NetworkNamespaces.inside(namespace,
                command.toArray(String[]::new)), Map.of(), dir.resolve("microsocks-" + port + ".log"));
        p.awaitListening(namespace, address, port, START_TIMEOUT);
        return new Microsocks(p, address, port);
    }

    /**
     * {@code scheme://address:port}, without credentials.
     *
     * @param scheme {@code socks5} or {@code socks5h}
     */
    public String url(String scheme) {
        return scheme + "://" + address + ":" + port;
    }

    /** The {@code HOST:PORT} targets of the tunnels it has logged so far. */
    public List<String> connects() {
        return process.logTail(10_000).lines().filter(l -> l.contains(": connected to "))
                .map(l -> l.substring(l.indexOf(": connected to ") + ": connected to ".length()))
                .toList();
    }

    @Override
    public void close() {
        process.close();
    }
}
