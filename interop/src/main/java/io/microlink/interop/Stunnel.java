package io.microlink.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Debian's stunnel in front of a plain proxy inside a network namespace: TLS on
 * {@code address:port}, the plain bytes to {@code address:backendPort}, which makes e.g. a
 * {@link Tinyproxy} an {@code https://} proxy. Its certificate is self-signed for the IP
 * {@code address}, made when it starts (nothing committed); {@link #trustStoreOptions()} are the
 * JVM flags that make a Java process trust it, and nothing else.
 *
 * <pre>{@code
 * try (Stunnel tls = Stunnel.start(dir, router.namespace(), router.lanGateway(), 8443, 8888)) {
 *     ... --outbound-proxy tls.url(), JAVA_TOOL_OPTIONS=tls.trustStoreOptions() ...
 * }
 * }</pre>
 */
public final class Stunnel implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(30);
    /** Guards only a throwaway trust store holding one public certificate. */
    private static final String STORE_PASSWORD = "test-only";

    private final ManagedProcess process;
    private final String address;
    private final int port;
    private final Path trustStore;

    private Stunnel(ManagedProcess process, String address, int port, Path trustStore) {
        this.process = process;
        this.address = address;
        this.port = port;
        this.trustStore = trustStore;
    }

    /**
     * Makes the certificate, starts stunnel in the foreground inside {@code namespace} and waits
     * until it accepts connections.
     *
     * @param address     the IP to listen on and to reach the backend at; the certificate's only name
     * @param port        the TLS port
     * @param backendPort where the plain proxy listens on {@code address}
     */
    public static Stunnel start(Path dir, String namespace, String address, int port, int backendPort) {
        Path cert = dir.resolve("stunnel-" + port + "-cert.pem");
        Path key = dir.resolve("stunnel-" + port + "-key.pem");
        Path trust = dir.resolve("stunnel-" + port + "-trust.p12");
        Path conf = dir.resolve("stunnel-" + port + ".conf");
        try {
            Files.createDirectories(dir);
            tool(List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-nodes", "-keyout", key.toString(), "-out", cert.toString(), "-days", "2",
                    "-subj", "/CN=microlink test proxy", "-addext", "subjectAltName=IP:" + address));
            tool(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-importcert",
                    "-noprompt", "-alias", "proxy", "-file", cert.toString(), "-storetype", "PKCS12",
                    "-keystore", trust.toString(), "-storepass", STORE_PASSWORD));
            Files.writeString(conf, String.join("\n", List.of(
                    "foreground = yes",
                    "pid =",
                    "debug = info", // logs each accepted connection
                    "[proxy]",
                    "accept = " + address + ":" + port,
                    "connect = " + address + ":" + backendPort,
                    "cert = " + cert,
                    "key = " + key)) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write stunnel's files in " + dir, e);
        }
        ManagedProcess p = ManagedProcess.start("stunnel-" + port,
                NetworkNamespaces.inside(namespace, "stunnel4", conf.toString()), Map.of(),
                dir.resolve("stunnel-" + port + ".log"));
        p.awaitListening(namespace, address, port, START_TIMEOUT);
        return new Stunnel(p, address, port, trust);
    }

    private static void tool(List<String> command) {
        Exec.Result r = Exec.run(TOOL_TIMEOUT, command);
        if (!r.succeeded()) {
            throw new Exec.CommandFailedException(command.getFirst() + " failed: " + r.stderr());
        }
    }

    /** {@code https://address:port}, without credentials. */
    public String url() {
        return "https://" + address + ":" + port;
    }

    /** The JVM flags that make the JVM's default trust its certificate (and only it). */
    public String trustStoreOptions() {
        return "-Djavax.net.ssl.trustStore=" + trustStore + " -Djavax.net.ssl.trustStoreType=PKCS12"
                + " -Djavax.net.ssl.trustStorePassword=" + STORE_PASSWORD;
    }

    /** The {@code address:port} of each client it has accepted a connection from so far. */
    public List<String> clients() {
        String mark = "accepted connection from ";
        return process.logTail(10_000).lines().filter(l -> l.contains(mark))
                .map(l -> l.substring(l.indexOf(mark) + mark.length()).strip())
                .toList();
    }

    @Override
    public void close() {
        process.close();
    }
}
