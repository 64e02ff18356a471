package io.microlink.interop.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.microlink.AddressText;
import io.microlink.TailnetNode;
import io.microlink.host.settings.SettingsStore;
import io.microlink.interop.Await;
import io.microlink.interop.Exec;
import io.microlink.interop.FreePorts;
import io.microlink.interop.Tailscaled;
import io.microlink.interop.TestTailnet;
import io.microlink.web.GuestAccess;
import io.microlink.web.NodeWebBackend;
import io.microlink.web.StoreNodeHost;
import io.microlink.web.WebOptions;
import io.microlink.web.WebServer;
import io.microlink.web.WebToken;
import io.microlink.web.http.HttpServer;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Java node serving its web page on a real tailnet (tailnet port 80 and a localhost port),
 * beside two tailscaled nodes: {@code alice-ts} of the owner's user and {@code bob-ts} of
 * another user. The tailnet closes the nodes; {@link #close()} the web server.
 */
final class WebTailnet implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(45);
    private static final ObjectMapper JSON = new ObjectMapper();

    final Tailscaled alice;
    final Tailscaled bob;
    final TailnetNode java;
    final SettingsStore store;
    final WebServer web;
    final String javaIp;
    final int localPort;
    final WebToken token;
    final AtomicInteger restarts = new AtomicInteger();

    WebTailnet(TestTailnet tailnet) throws Exception {
        alice = tailnet.addNode("alice-ts");
        bob = tailnet.addNode("bob-ts", "bob", Tailscaled.Options.DEFAULT);
        java = tailnet.addJavaNode("java-web", alice);
        Await.until(WAIT, "bob-ts to see java-web", () -> bob.status().seesOnlineWithHomeDerp("java-web"));
        Await.until(WAIT, "java-web to see bob-ts", () -> java.tailnet().find("bob-ts").isPresent());
        javaIp = AddressText.of(java.tailnet().self().orElseThrow().addresses().getFirst());
        store = new SettingsStore(tailnet.dir().resolve("java-web-settings"));
        NodeWebBackend backend = new NodeWebBackend(java, new StoreNodeHost(java, store, restarts::incrementAndGet));
        localPort = FreePorts.tcp();
        token = WebToken.inDirectory(tailnet.dir().resolve("java-web-state"));
        web = WebServer.start(backend, new WebOptions(true, 80, localPort, GuestAccess.NONE, HttpServer.Limits.DEFAULT,
                token));
    }

    /** The local page's link with its token, as {@code microlink web} prints it. */
    String localLink() {
        return web.localUrl().orElseThrow();
    }

    /** The page's address on the tailnet, or on localhost. */
    String url(boolean tailnet, String path) {
        return (tailnet ? "http://" + javaIp : "http://127.0.0.1:" + localPort) + path;
    }

    /** The FQDN (no trailing dot) of a peer, as the pages show and allow it. */
    String fqdn(String peer) {
        return java.tailnet().find(peer).orElseThrow().fqdn();
    }

    record Reply(int status, String body) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }
    }

    /**
     * curl through {@code via}'s SOCKS5 proxy to the Java node's tailnet address, or to localhost
     * when null, there with the token as a script sends it.
     */
    Reply curl(Tailscaled via, String method, String path, String body, String... headers) {
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--max-time", "30", "-X", method,
                "-o", "-", "-w", "\n%{http_code}"));
        if (via != null) {
            cmd.addAll(List.of("--socks5", "127.0.0.1:" + via.socks5Port()));
        } else {
            cmd.addAll(List.of("-H", "Authorization: Bearer " + token.text()));
        }
        if (body != null) {
            cmd.addAll(List.of("-H", "Content-Type: application/json", "--data-binary", body));
        }
        for (String h : headers) {
            cmd.addAll(List.of("-H", h));
        }
        cmd.add(url(via != null, path));
        String out = Exec.run(Duration.ofSeconds(40), cmd).requireSuccess().stdout();
        int split = out.lastIndexOf('\n');
        return new Reply(Integer.parseInt(out.substring(split + 1).strip()), out.substring(0, split));
    }

    @Override
    public void close() {
        web.close();
    }
}
