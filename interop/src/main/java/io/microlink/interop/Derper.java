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

    private final ManagedProcess process;
    private final int httpPort;
    private final int stunPort;

    private Derper(ManagedProcess process, int httpPort, int stunPort) {
        this.process = process;
        this.httpPort = httpPort;
        this.stunPort = stunPort;
    }

    public static Derper start(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot create " + dir, e);
        }
        int http = FreePorts.tcp();
        int stun = FreePorts.udp();
        // Not port 443 and no -certmode manual: derper then serves plain HTTP, as TS_DEBUG_USE_DERP_HTTP expects.
        ManagedProcess p = ManagedProcess.start("derper", List.of(ReferencePrograms.derper().toString(),
                "-a", "127.0.0.1:" + http, "-http-port", "-1", "-stun-port", Integer.toString(stun),
                "-c", dir.resolve("derper.key").toString(), "-hostname", "127.0.0.1"), Map.of(),
                dir.resolve("derper.log"));
        Derper d = new Derper(p, http, stun);
        try {
            p.awaitHttpOk(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build(),
                    URI.create("http://127.0.0.1:" + http + "/derp/probe"), START_TIMEOUT, () -> true);
        } catch (RuntimeException e) {
            d.close();
            throw e;
        }
        return d;
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

    public ManagedProcess process() {
        return process;
    }

    @Override
    public void close() {
        process.close();
    }
}
