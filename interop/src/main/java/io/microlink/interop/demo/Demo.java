package io.microlink.interop.demo;

import io.microlink.host.settings.NodeSettings;
import io.microlink.interop.Await;
import io.microlink.interop.Exec;
import io.microlink.interop.MicrolinkProcess;
import io.microlink.interop.PingReply;
import io.microlink.interop.ReferencePrograms;
import io.microlink.interop.TailscaleStatus;
import io.microlink.interop.Tailscaled;
import io.microlink.interop.TcpEchoServer;
import io.microlink.interop.TestTailnet;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

/**
 * The README's main job: a local test tailnet (real headscale and tailscaled, isolated on
 * loopback), and the MicroLink daemon joining it as a person would run it: {@code microlink
 * up}, {@code status}, {@code ping} via DERP and direct, TCP both ways ({@code nc} and
 * {@code serve}), and its web API. Run it with {@code scripts/demo}; {@code --hold} keeps the
 * tailnet up until Ctrl-C and prints how to look around.
 */
public final class Demo {
    private static final String JAVA_NODE = "java1";
    private static final int SERVED_PORT = 8080;

    private Demo() {}

    public static void main(String[] args) throws Exception {
        boolean hold = List.of(args).contains("--hold");
        try (TestTailnet tailnet = TestTailnet.create()) {
            step("Starting headscale (real, " + ReferencePrograms.headscale().getParent().getFileName() + ")");
            say("control URL %s, embedded DERP region %d (%s), STUN on 127.0.0.1:%d",
                    tailnet.headscale().url(), tailnet.headscale().derpRegionId(),
                    tailnet.headscale().derpRegionCode(), tailnet.headscale().stunPort());

            step("Starting two real tailscaled nodes and logging them in with a pre-auth key");
            Tailscaled ts1 = tailnet.addNode("ts1");
            Tailscaled ts2 = tailnet.addNode("ts2");
            tailnet.awaitMesh(Duration.ofSeconds(90));
            for (TailscaleStatus.Peer p : ts1.status().peerList()) {
                say("ts1 sees %-4s %-28s online=%s home DERP=%s", p.hostName(), String.join(",", p.tailscaleIps()),
                        p.online(), p.relay());
            }

            Path stateDir = tailnet.dir().resolve("microlink");
            step("Starting the MicroLink daemon (Java only, no tailscaled): microlink daemon --state-dir " + stateDir);
            try (MicrolinkProcess microlink = new MicrolinkProcess(stateDir).start();
                 TcpEchoServer echo = new TcpEchoServer()) {
                Path keyFile = Files.createFile(tailnet.dir().resolve("authkey"),
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(keyFile, tailnet.reusableKey(TestTailnet.DEFAULT_USER).key());
                cli(microlink, "up", "--login-server", tailnet.headscale().url(), "--auth-key-file",
                        keyFile.toString(), "--hostname", JAVA_NODE, "--timeout", "90s");
                Await.until(Duration.ofSeconds(60), "ts1 to see " + JAVA_NODE + " with its home DERP",
                        () -> ts1.status().seesOnlineWithHomeDerp(JAVA_NODE));
                cli(microlink, "status");

                cli(microlink, "ping", "--derp", "-c", "3", "ts1");
                cli(microlink, "ping", "-c", "20", "ts1");
                step("tailscale ping " + JAVA_NODE + ", from ts1: DISCO answered by the Java node");
                for (PingReply r : ts1.ping(JAVA_NODE, "-c", "20")) {
                    say("pong from %s via %s in %.2f ms", r.nodeName(), r.via(), r.latency().toNanos() / 1e6);
                }

                byte[] hello = "hello from the MicroLink daemon\n".getBytes(StandardCharsets.UTF_8);
                step("TCP out: microlink nc ts2 " + echo.port() + " (ts2 forwards the port to an echo server)");
                say("%s", microlink.cliWithInput(hello, "nc", "ts2", Integer.toString(echo.port()))
                        .requireSuccess().stdout().strip());

                cli(microlink, "serve", Integer.toString(SERVED_PORT), Integer.toString(echo.port()));
                step("TCP in: tailscale nc " + JAVA_NODE + " " + SERVED_PORT + ", from ts1, to the served port");
                byte[] ping = "hello from ts1 through the Java node's serve\n".getBytes(StandardCharsets.UTF_8);
                say("%s", new String(ts1.nc(JAVA_NODE, SERVED_PORT, ping, ping.length, Duration.ofSeconds(30)),
                        StandardCharsets.UTF_8).strip());
                cli(microlink, "whois", ts1.ip("-4").getFirst());

                cli(microlink, "status");
                showWebApi(microlink);
                if (hold) {
                    holdUntilInterrupted(tailnet, stateDir);
                }
            }
            step("Done; stopping everything");
        }
    }

    /** The daemon's JSON API on localhost, as its web page reads it, with the token `microlink web` hands out. */
    private static void showWebApi(MicrolinkProcess microlink) throws IOException, InterruptedException {
        String link = microlink.cli("web").requireSuccess().stdout().strip();
        String token = link.substring(link.indexOf("?token=") + "?token=".length());
        String url = "http://127.0.0.1:" + NodeSettings.DEFAULT_WEB_LOCAL_PORT + "/api/status";
        step("The web page's API: GET " + url + " (with the token of `microlink web`, as a Bearer header)");
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                    .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
            say("HTTP %d: %s", r.statusCode(), r.body().length() > 400 ? r.body().substring(0, 400) + "…" : r.body());
        }
    }

    /** Runs one CLI command, shows it and what it printed; a failure ends the demo with the CLI's message. */
    private static void cli(MicrolinkProcess microlink, String... args) {
        step("microlink " + String.join(" ", args));
        Exec.Result r = microlink.cli(args).requireSuccess();
        r.stdout().lines().forEach(line -> say("%s", line));
    }

    private static void holdUntilInterrupted(TestTailnet tailnet, Path stateDir) throws InterruptedException {
        // Everything runs in this JVM's own network namespace; nsenter reaches into it.
        String enter = "sudo nsenter --net=/proc/" + ProcessHandle.current().pid() + "/ns/net ";
        step("The tailnet stays up until Ctrl-C. Everything lives in a private network namespace; try:");
        say("%sscripts/microlink status --state-dir %s", enter, stateDir);
        say("%sscripts/microlink ping ts2 --state-dir %s", enter, stateDir);
        say("%sscripts/microlink web --state-dir %s   (the web page's link, with its token)", enter, stateDir);
        for (Tailscaled ts : tailnet.nodes()) {
            say("%s%s --socket=%s status", enter, ReferencePrograms.tailscale(),
                    tailnet.dir().resolve(ts.hostname()).resolve("tailscaled.sock"));
        }
        say("logs: %s (the daemon's: %s-daemon.log)", tailnet.dir(), stateDir);
        say("docs: README.md, docs/daemon.md, docs/proxies.md, docs/tun.md, docs/openapi.yaml");
        Thread.sleep(Long.MAX_VALUE);
    }

    private static void step(String text) {
        System.out.println("\n== " + text);
    }

    private static void say(String format, Object... args) {
        System.out.println("   " + format.formatted(args));
    }
}
