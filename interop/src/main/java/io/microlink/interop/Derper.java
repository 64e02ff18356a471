package io.microlink.interop;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Tailscale's own DERP server ({@code cmd/derper}, built by {@code scripts/setup}) on
 * 127.0.0.1 over plain HTTP, with its STUN server: a second relay region beside headscale's
 * embedded one, so tests can home nodes in different regions. It does not verify clients,
 * like any relay that serves more than one tailnet.
 */
public final class Derper implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

    private final Path dir;
    private final int httpPort;
    private final int stunPort;
    private ManagedProcess process;

    private Derper(Path dir, int httpPort, int stunPort) {
        this.dir = dir;
        this.httpPort = httpPort;
        this.stunPort = stunPort;
    }

    public static Derper start(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot create " + dir, e);
        }
        Derper d = new Derper(dir, FreePorts.tcp(), FreePorts.udp());
        d.launch();
        return d;
    }

    /** Stops the relay and starts it again on the same ports and key, as an outage would. */
    public synchronized void restart() {
        process.close();
        launch();
    }

    private void launch() {
        // Not port 443 and no -certmode manual: derper then serves plain HTTP, as TS_DEBUG_USE_DERP_HTTP expects.
        process = ManagedProcess.start("derper", List.of(ReferencePrograms.derper().toString(),
                "-a", "127.0.0.1:" + httpPort, "-http-port", "-1", "-stun-port", Integer.toString(stunPort),
                "-c", dir.resolve("derper.key").toString(), "-hostname", "127.0.0.1"), Map.of(),
                dir.resolve("derper.log"));
        try {
            process.awaitHttpOk(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build(),
                    URI.create("http://127.0.0.1:" + httpPort + "/derp/probe"), START_TIMEOUT, () -> true);
        } catch (RuntimeException e) {
            process.close();
            throw e;
        }
    }

    /** This relay as one region of a headscale {@code derp.paths} file (YAML). */
    public String regionYaml(int regionId, String code) {
        return """
                regions:
                  %d:
                    regionid: %d
                    regioncode: %s
                    regionname: Derper %s
                    nodes:
                      - name: %da
                        regionid: %d
                        hostname: 127.0.0.1
                        ipv4: 127.0.0.1
                        ipv6: none
                        stunport: %d
                        derpport: %d
                """.formatted(regionId, regionId, code, code, regionId, regionId, stunPort, httpPort);
    }

    public int stunPort() {
        return stunPort;
    }

    public synchronized ManagedProcess process() {
        return process;
    }

    @Override
    public synchronized void close() {
        process.close();
    }
}
