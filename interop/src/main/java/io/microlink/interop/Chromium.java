package io.microlink.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A headless Chromium driven over its DevTools protocol: load a page, run JavaScript in it
 * (click, type, read the DOM), take a screenshot. Runs as root with {@code --no-sandbox}, as
 * the tests do, with background networking off; {@link #throughSocks5} sends its traffic
 * through a tailscaled's SOCKS5 proxy, so pages on tailnet addresses load as that node sees them.
 *
 * <pre>{@code
 * try (Chromium browser = Chromium.throughSocks5(dir, ts1.socks5Port())) {
 *     browser.load("http://100.64.0.3/");
 *     browser.waitFor("document.querySelector('h1') !== null", Duration.ofSeconds(10));
 *     browser.screenshot(dir.resolve("page.png"));
 * }
 * }</pre>
 */
public final class Chromium implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ManagedProcess process;
    private final WebSocket socket;
    private final Replies replies;
    private final AtomicInteger ids = new AtomicInteger();

    private Chromium(ManagedProcess process, WebSocket socket, Replies replies) {
        this.process = process;
        this.socket = socket;
        this.replies = replies;
    }

    /** Matches DevTools answers to the commands waiting for them; events are not used. */
    private static final class Replies implements WebSocket.Listener {
        final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
        private final StringBuilder message = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            message.append(data);
            if (last) {
                try {
                    JsonNode msg = JSON.readTree(message.toString());
                    CompletableFuture<JsonNode> f = msg.has("id") ? pending.remove(msg.get("id").asInt()) : null;
                    if (f != null) {
                        f.complete(msg);
                    }
                } catch (IOException e) {
                    // DevTools sends only JSON; anything else is noise.
                }
                message.setLength(0);
            }
            webSocket.request(1);
            return null;
        }
    }

    /** A browser that reaches everything directly (here: loopback only). */
    public static Chromium direct(Path dir) {
        return start(dir, List.of());
    }

    /** A browser whose every request goes through the SOCKS5 proxy on 127.0.0.1:{@code port}. */
    public static Chromium throughSocks5(Path dir, int port) {
        // Chromium never proxies loopback unless told to; tailnet addresses are not loopback anyway.
        return start(dir, List.of("--proxy-server=socks5://127.0.0.1:" + port));
    }

    /** The browser program: {@code MICROLINK_CHROMIUM}, else {@code chromium} (Debian's package) on the PATH. */
    public static String program() {
        String configured = System.getenv("MICROLINK_CHROMIUM");
        return configured != null && !configured.isBlank() ? configured : "chromium";
    }

    private static Chromium start(Path dir, List<String> extra) {
        Path profile = dir.resolve("profile");
        try {
            Files.createDirectories(profile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + profile, e);
        }
        List<String> command = new ArrayList<>(List.of(program(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-default-apps", "--disable-extensions", "--metrics-recording-only", "--hide-scrollbars",
                "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", "--user-data-dir=" + profile));
        command.addAll(extra);
        command.add("about:blank");
        ManagedProcess p = ManagedProcess.start("chromium", command, Map.of(), dir.resolve("chromium.log"));
        try {
            // Chromium writes its chosen port (first line) to this file once DevTools listens.
            Path portFile = profile.resolve("DevToolsActivePort");
            int port = Await.result(START_TIMEOUT, "chromium to open its DevTools port", () -> {
                p.requireAlive();
                try {
                    List<String> lines = Files.readAllLines(portFile);
                    return lines.isEmpty() || lines.getFirst().isBlank() ? null : Integer.parseInt(lines.getFirst().strip());
                } catch (IOException e) {
                    return null;
                }
            });
            HttpClient http = HttpClient.newHttpClient();
            String pageSocket = Await.result(START_TIMEOUT, "chromium's page target", () -> {
                try {
                    JsonNode targets = JSON.readTree(http.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + port + "/json/list")).build(),
                            HttpResponse.BodyHandlers.ofString()).body());
                    for (JsonNode t : targets) {
                        if (t.path("type").asText().equals("page")) {
                            return t.path("webSocketDebuggerUrl").asText();
                        }
                    }
                    return null;
                } catch (IOException e) {
                    return null;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                }
            });
            Replies replies = new Replies();
            WebSocket ws = http.newWebSocketBuilder().buildAsync(URI.create(pageSocket), replies)
                    .get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            Chromium c = new Chromium(p, ws, replies);
            c.command("Page.enable", JSON.createObjectNode());
            c.command("Runtime.enable", JSON.createObjectNode());
            return c;
        } catch (RuntimeException | InterruptedException | ExecutionException | java.util.concurrent.TimeoutException e) {
            p.stop();
            throw new IllegalStateException("chromium did not start; its log:\n" + p.logTail(30), e);
        }
    }

    /** Sends one DevTools command and returns its {@code result}; a protocol error throws. */
    public JsonNode command(String method, ObjectNode params) {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        replies.pending.put(id, answer);
        ObjectNode msg = JSON.createObjectNode().put("id", id).put("method", method);
        msg.set("params", params);
        try {
            socket.sendText(msg.toString(), true).get(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            JsonNode reply = answer.get(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            if (reply.has("error")) {
                throw new IllegalStateException(method + " failed: " + reply.get("error"));
            }
            return reply.path("result");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during " + method, e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            process.requireAlive();
            throw new IllegalStateException(method + " got no answer: " + e, e);
        } finally {
            replies.pending.remove(id);
        }
    }

    /** Sets the viewport, e.g. a phone's 412 x 860 CSS pixels. */
    public void viewport(int width, int height, boolean mobile) {
        command("Emulation.setDeviceMetricsOverride", JSON.createObjectNode().put("width", width).put("height", height)
                .put("deviceScaleFactor", 1).put("mobile", mobile));
    }

    /** Navigates and waits until the document (with its scripts) has loaded. */
    public void load(String url) {
        JsonNode r = command("Page.navigate", JSON.createObjectNode().put("url", url));
        if (r.hasNonNull("errorText")) {
            throw new IllegalStateException("cannot load " + url + ": " + r.get("errorText").asText());
        }
        waitFor("document.readyState === 'complete' && location.href !== 'about:blank'", COMMAND_TIMEOUT);
    }

    /** Runs {@code expression} in the page (promises awaited) and returns its value as JSON. */
    public JsonNode eval(String expression) {
        JsonNode r = command("Runtime.evaluate", JSON.createObjectNode().put("expression", expression)
                .put("returnByValue", true).put("awaitPromise", true));
        if (r.has("exceptionDetails")) {
            throw new IllegalStateException("script failed: " + r.get("exceptionDetails").path("exception")
                    .path("description").asText(r.get("exceptionDetails").toString()));
        }
        return r.path("result").path("value");
    }

    /** Polls {@code condition} (a JavaScript expression) until it is true. */
    public void waitFor(String condition, Duration timeout) {
        Await.until(timeout, () -> "page condition " + condition + "; page " + describe(),
                () -> eval("Boolean(" + condition + ")").asBoolean());
    }

    /** Where the page is and what it holds, for failure messages. */
    private String describe() {
        try {
            return eval("location.href + ' holds: ' + (document.body ? document.body.innerHTML : '').replace(/\\s+/g, ' ').slice(0, 3000)").asText();
        } catch (RuntimeException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    /** The page's visible text. */
    public String text() {
        try {
            return eval("document.body ? document.body.innerText : ''").asText();
        } catch (RuntimeException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    /** Writes a PNG of the viewport to {@code file} and returns its bytes. */
    public byte[] screenshot(Path file) {
        byte[] png = Base64.getDecoder().decode(command("Page.captureScreenshot",
                JSON.createObjectNode().put("format", "png")).path("data").asText());
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.write(file, png);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        return png;
    }

    public ManagedProcess process() {
        return process;
    }

    @Override
    public void close() {
        socket.abort();
        process.stop();
    }
}
