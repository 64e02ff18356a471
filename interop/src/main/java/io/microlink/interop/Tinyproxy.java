package io.microlink.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A real HTTP proxy, Debian's tinyproxy, inside a network namespace (e.g. a {@link NatTopology}
 * router, as a company's proxy at the edge of its LAN): it tunnels {@code CONNECT} to any port,
 * asks for Basic credentials when given some, and logs every request at its {@code Connect}
 * level, so a test can tell its traffic went through. Note that tinyproxy answers a wrong
 * password with 401, not 407.
 *
 * <pre>{@code
 * try (Tinyproxy proxy = Tinyproxy.start(dir, router.namespace(), router.lanGateway(), 8888, null, null)) {
 *     ... HTTP_PROXY=proxy.url() ...
 * }
 * }</pre>
 */
public final class Tinyproxy implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

    private final ManagedProcess process;
    private final String address;
    private final int port;

    private Tinyproxy(ManagedProcess process, String address, int port) {
        this.process = process;
        this.address = address;
        this.port = port;
    }

    /**
     * Starts tinyproxy in the foreground on {@code address:port} inside {@code namespace} and
     * waits until it accepts connections.
     *
     * @param user     the Basic user name it requires, or null for none
     * @param password with {@code user}
     */
    public static Tinyproxy start(Path dir, String namespace, String address, int port, String user, String password) {
        Path conf = dir.resolve("tinyproxy-" + port + ".conf");
        try {
            Files.createDirectories(dir);
            Files.writeString(conf, String.join("\n", List.of(
                    "Port " + port,
                    "Listen " + address,
                    "Timeout 60",
                    "MaxClients 50",
                    "LogLevel Connect",
                    "DisableViaHeader Yes",
                    user == null ? "" : "BasicAuth " + user + " " + password)) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + conf, e);
        }
        ManagedProcess p = ManagedProcess.start("tinyproxy-" + port,
                NetworkNamespaces.inside(namespace, "tinyproxy", "-d", "-c", conf.toString()), Map.of(),
                dir.resolve("tinyproxy-" + port + ".log"));
        p.awaitListening(namespace, address, port, START_TIMEOUT);
        return new Tinyproxy(p, address, port);
    }

    /** {@code http://address:port}, without credentials. */
    public String url() {
        return "http://" + address + ":" + port;
    }

    /** The {@code CONNECT host:port} requests it has logged so far. */
    public List<String> connects() {
        return process.logTail(10_000).lines().filter(l -> l.contains("Request") && l.contains("CONNECT "))
                .map(l -> l.substring(l.indexOf("CONNECT ")))
                .toList();
    }

    @Override
    public void close() {
        process.close();
    }
}
