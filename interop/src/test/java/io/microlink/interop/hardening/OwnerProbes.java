package io.microlink.interop.hardening;

import io.microlink.interop.Exec;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the owner does while the flood runs, each request timed: the local page's JSON API with
 * its token (from another local user than the attackers, as a browser of the owner runs beside
 * another user's processes), an echo through each of the four local proxies (SOCKS5 and HTTP,
 * with and without a password), and from the owner's tailscaled the tailnet page and the served
 * port. {@link #all()} lists what failed or took longer than {@link #PATIENCE}.
 */
final class OwnerProbes {
    static final Duration PATIENCE = Duration.ofSeconds(5);
    /** The owner's browser is another local user than the flood's (see docs/security.md, "Local callers"). */
    private static final String NOBODY = "65534";

    /** A local proxy the owner uses: its address and the credentials it wants (user null: none). */
    record Proxy(InetSocketAddress address, String user, String password) {}

    private final int pagePort;
    private final String token;
    private final Map<String, Proxy> socks5;
    private final Map<String, Proxy> http;
    private final int realSocks5Port;
    private final String realIp;
    private final int realEchoPort;
    private final String javaIp;
    private final int servedPort;
    private int round;
    private final Map<String, Long> slowestMs = new TreeMap<>();

    OwnerProbes(int pagePort, String token, Map<String, Proxy> socks5, Map<String, Proxy> http, int realSocks5Port,
                String realIp, int realEchoPort, String javaIp, int servedPort) {
        this.pagePort = pagePort;
        this.token = token;
        this.socks5 = socks5;
        this.http = http;
        this.realSocks5Port = realSocks5Port;
        this.realIp = realIp;
        this.realEchoPort = realEchoPort;
        this.javaIp = javaIp;
        this.servedPort = servedPort;
    }

    /** One round of every request; what failed or was slow, empty when all was well. */
    List<String> all() {
        round++;
        List<String> problems = new ArrayList<>();
        check(problems, "local page", this::localPage);
        socks5.forEach((name, p) -> check(problems, name, () -> {
            try (Socket s = ProxyDial.socks5(p.address(), null, p.user(), p.password(), realIp, realEchoPort, PATIENCE)) {
                ProxyDial.echo(s, name + " round " + round + "\n");
            }
        }));
        http.forEach((name, p) -> check(problems, name, () -> {
            try (Socket s = ProxyDial.httpConnect(p.address(), null, p.user(), p.password(), realIp, realEchoPort,
                    PATIENCE)) {
                ProxyDial.echo(s, name + " round " + round + "\n");
            }
        }));
        check(problems, "tailnet page from the owner's tailscaled", this::tailnetPage);
        check(problems, "served port from the owner's tailscaled", () -> {
            try (Socket s = ProxyDial.socks5(realSocks5(), null, null, null, javaIp, servedPort, PATIENCE)) {
                ProxyDial.echo(s, "served round " + round + "\n");
            }
        });
        return problems;
    }

    /** curl as another local user; the token goes in on stdin, never on a command line. */
    private void localPage() throws IOException {
        Exec.Result r = Exec.run(PATIENCE.multipliedBy(2), List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY,
                        "--clear-groups", "curl", "-sS", "--max-time", Long.toString(PATIENCE.toSeconds()), "-H", "@-",
                        "http://127.0.0.1:" + pagePort + "/api/status"), Map.of(),
                ("Authorization: Bearer " + token + "\n").getBytes(StandardCharsets.UTF_8));
        if (!r.succeeded() || !r.stdout().contains("\"role\":\"owner\"")) {
            throw new IOException("curl exit " + r.exitCode() + ": " + r.stderr().strip());
        }
    }

    private void tailnetPage() throws IOException {
        try (Socket s = ProxyDial.socks5(realSocks5(), null, null, null, javaIp, 80, PATIENCE)) {
            s.getOutputStream().write(("GET /api/status HTTP/1.1\r\nHost: " + javaIp + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = s.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            if (!answer.startsWith("HTTP/1.1 200") || !answer.contains("\"role\":\"owner\"")) {
                throw new IOException("answered " + answer.lines().findFirst().orElse("nothing"));
            }
        }
    }

    private InetSocketAddress realSocks5() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), realSocks5Port);
    }

    @FunctionalInterface
    private interface Probe {
        void run() throws IOException;
    }

    /** The longest each request took, in milliseconds, since the last {@link #resetTimes()}. */
    Map<String, Long> slowestMs() {
        return Map.copyOf(slowestMs);
    }

    void resetTimes() {
        slowestMs.clear();
    }

    private void check(List<String> problems, String what, Probe probe) {
        long start = System.nanoTime();
        try {
            probe.run();
        } catch (IOException | RuntimeException e) {
            problems.add(what + ": " + e + " after " + (System.nanoTime() - start) / 1_000_000 + " ms");
            return;
        }
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        slowestMs.merge(what, tookMs, Math::max);
        if (tookMs > PATIENCE.toMillis()) {
            problems.add(what + ": answered after " + tookMs + " ms");
        }
    }
}
