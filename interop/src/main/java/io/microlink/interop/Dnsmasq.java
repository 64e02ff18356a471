package io.microlink.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A real DNS server for forwarding tests: Debian's dnsmasq, serving only the records it is
 * given (no upstream, no hosts file, no DHCP) on one loopback address, UDP and TCP. Unknown
 * names under {@code zone} are NXDOMAIN. The test tailnet's headscale can hand its address to
 * nodes as their resolver (port 53 only: headscale takes nameservers as bare IPs).
 *
 * <pre>{@code
 * try (Dnsmasq dns = Dnsmasq.start(dir, InetAddress.ofLiteral("127.53.0.1"), 53, "fwd.test",
 *         List.of("--host-record=www.fwd.test,192.0.2.80"))) { ... }
 * }</pre>
 */
public final class Dnsmasq implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

    private final ManagedProcess process;
    private final InetSocketAddress address;

    private Dnsmasq(ManagedProcess process, InetSocketAddress address) {
        this.process = process;
        this.address = address;
    }

    /**
     * Starts dnsmasq on {@code listen}:{@code port} and waits until it accepts TCP.
     *
     * @param records dnsmasq options adding data, e.g. {@code --host-record=...} or {@code --txt-record=...}
     */
    public static Dnsmasq start(Path dir, InetAddress listen, int port, String zone, List<String> records) {
        return start(null, dir, listen, port, zone, records);
    }

    /**
     * As {@link #start(Path, InetAddress, int, String, List)}, inside network namespace
     * {@code namespace} (null: this JVM's), e.g. as the resolver a host had before a node took
     * its resolv.conf over. Ready once dnsmasq says it started (it binds first).
     */
    public static Dnsmasq start(String namespace, Path dir, InetAddress listen, int port, String zone,
                                List<String> records) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
        // Debian installs it in /usr/sbin, which a non-root PATH may lack.
        String binary = Files.isExecutable(Path.of("/usr/sbin/dnsmasq")) ? "/usr/sbin/dnsmasq" : "dnsmasq";
        List<String> command = new ArrayList<>(List.of(binary, "--keep-in-foreground", "--conf-file=/dev/null",
                "--no-resolv", "--no-hosts", "--no-poll", "--bind-interfaces", "--pid-file=",
                "--listen-address=" + listen.getHostAddress(), "--port=" + port, "--user=root",
                "--local=/" + zone + "/", "--log-queries", "--log-facility=-"));
        command.addAll(records);
        ManagedProcess p = ManagedProcess.start("dnsmasq", namespace == null ? command
                : NetworkNamespaces.inside(namespace, command.toArray(String[]::new)), Map.of(), dir.resolve("dnsmasq.log"));
        InetSocketAddress address = new InetSocketAddress(listen, port);
        try {
            Await.until(START_TIMEOUT, "dnsmasq to listen on " + address, () -> {
                p.requireAlive();
                if (namespace != null) {
                    return p.logTail(20).contains("started, version");
                }
                try (Socket s = new Socket()) {
                    s.connect(address, 500);
                    return true;
                } catch (IOException notYet) {
                    return false;
                }
            });
        } catch (RuntimeException e) {
            p.close();
            throw e;
        }
        return new Dnsmasq(p, address);
    }

    public InetSocketAddress address() {
        return address;
    }

    /** What dnsmasq logged, the queries it saw among it. */
    public String log(int lines) {
        return process.logTail(lines);
    }

    @Override
    public void close() {
        process.close();
    }
}
