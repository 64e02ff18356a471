package io.microlink.interop.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.microlink.interop.Chromium;
import io.microlink.interop.TestTailnet;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The pages in a real browser: headless Chromium loads them through a real tailscaled's SOCKS5
 * proxy (as a person on another node of the owner's tailnet would) and from localhost, searches
 * peers, clicks "Allow", changes a setting, and saves a phone-sized screenshot of each page to
 * {@code target/web-screenshots}.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class WebPagesChromiumTest {
    private static final Duration PAGE = Duration.ofSeconds(30);
    private static final Path SHOTS = Path.of("target", "web-screenshots");
    private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    @RegisterExtension
    static final TestTailnet tailnet = TestTailnet.create();

    static WebTailnet w;

    @BeforeAll
    static void start() throws Exception {
        w = new WebTailnet(tailnet);
    }

    @AfterAll
    static void stop() {
        if (w != null) {
            w.close();
        }
    }

    private static void screenshot(Chromium browser, String name) {
        byte[] png = browser.screenshot(SHOTS.resolve(name + ".png"));
        assertThat(Arrays.copyOf(png, 8)).isEqualTo(PNG_MAGIC);
        assertThat(png.length).isGreaterThan(2000); // a rendered page, not an empty canvas
    }

    @Test
    void theOwnerUsesEveryPageFromAnotherNodeOfTheTailnet() throws Exception {
        try (Chromium browser = Chromium.throughSocks5(tailnet.dir().resolve("chromium-alice"), w.alice.socks5Port())) {
            browser.viewport(412, 760, true);

            // Monitor: tiles filled from the API, and refreshed on their own.
            browser.load(w.url(true, "/"));
            browser.waitFor("document.getElementById('node-name').textContent === 'java-web'"
                    + " && document.querySelectorAll('#tiles .tile').length === 10", PAGE);
            browser.waitFor("document.getElementById('tiles').innerText.includes('ms')", PAGE); // relay latency
            String text = browser.text();
            assertThat(text).contains("Uptime", "CPU", "Heap", "Direct memory", "Threads", "GC", "Home DERP",
                    "Peers", "Traffic", "connected");
            String updated = browser.eval("document.getElementById('updated').textContent").asText();
            browser.waitFor("document.getElementById('updated').textContent !== " + quote(updated), PAGE);
            screenshot(browser, "monitor");

            // Peers: both listed with their users, then a search, then one click on Allow.
            browser.load(w.url(true, "/peers"));
            browser.waitFor("document.querySelectorAll('#peers tr[data-peer]').length === 2", PAGE);
            assertThat(browser.text()).contains("alice-ts", "bob-ts", "2 peers", "page 1 of 1");
            search(browser, "bob");
            browser.waitFor("document.querySelectorAll('#peers tr[data-peer]').length === 1"
                    + " && document.querySelector('#peers tr[data-peer]').dataset.peer === 'bob-ts'", PAGE);
            assertThat(browser.eval("location.search").asText()).isEqualTo("?q=bob");
            browser.eval("document.querySelector('tr[data-peer=\"bob-ts\"] button.allow').click()");
            browser.waitFor("document.querySelector('tr[data-peer=\"bob-ts\"] .allowed') !== null", PAGE);
            assertThat(w.java.discoAllowlist()).isEqualTo(Set.of(w.fqdn("bob-ts")));
            assertThat(w.store.load().discoAllowlist()).containsExactly(w.fqdn("bob-ts"));
            search(browser, "");
            browser.waitFor("document.querySelectorAll('#peers tr[data-peer]').length === 2", PAGE);
            screenshot(browser, "peers");

            // DISCO allowlist: the entry just allowed, and the mode it puts the node in.
            browser.load(w.url(true, "/allowlist"));
            browser.waitFor("document.querySelectorAll('#entries li').length === 1", PAGE);
            assertThat(browser.text()).contains(w.fqdn("bob-ts"), "Only these peers are probed");
            screenshot(browser, "allowlist");

            // Settings: change one, save, and see it saved and waiting for a restart.
            browser.load(w.url(true, "/settings"));
            browser.waitFor("document.querySelector('[name=maxActivePeers]').value === '1024'", PAGE);
            assertThat(browser.eval("document.querySelector('[name=authKey]').value").asText()).isEmpty();
            browser.eval("document.querySelector('[name=maxActivePeers]').value = '77';"
                    + " document.querySelector('#form button[type=submit]').click()");
            browser.waitFor("!document.getElementById('saved').hidden"
                    + " && document.getElementById('saved').textContent.includes('maxActivePeers')", PAGE);
            assertThat(browser.eval("document.getElementById('saved').textContent").asText())
                    .contains("Saved: maxActivePeers.", "Waiting for a restart: maxActivePeers.");
            assertThat(w.store.load().maxActivePeers()).isEqualTo(77);
            browser.eval("window.scrollTo(0, 0)");
            screenshot(browser, "settings");
        }
    }

    @Test
    void theOwnerUsesThePagesFromLocalhost() {
        try (Chromium browser = Chromium.direct(tailnet.dir().resolve("chromium-local"))) {
            // Without the token a local browser gets only the advice to run `microlink web`.
            browser.load(w.url(false, "/peers"));
            browser.waitFor("document.body.innerText.length > 0", PAGE);
            assertThat(browser.text()).contains("microlink web").doesNotContain("java-web");
            // The link trades its token for a cookie the page's scripts cannot read, and drops it from the address.
            browser.load(w.localLink());
            browser.waitFor("location.search === '' && document.querySelectorAll('#tiles .tile').length === 10", PAGE);
            assertThat(browser.eval("document.cookie").asText()).isEmpty();
            browser.load(w.url(false, "/peers"));
            browser.waitFor("document.querySelectorAll('#peers tr[data-peer]').length === 2", PAGE);
            assertThat(browser.eval("document.body.dataset.role").asText()).isEqualTo("owner");
            assertThat(browser.eval("document.querySelectorAll('button.allow').length").asInt()).isPositive();
            browser.load(w.url(false, "/"));
            browser.waitFor("document.querySelectorAll('#tiles .tile').length === 10", PAGE);
            assertThat(browser.text()).contains("java-web", "Home DERP");
        }
    }

    @Test
    void anotherUsersBrowserGetsNothing() {
        try (Chromium browser = Chromium.throughSocks5(tailnet.dir().resolve("chromium-bob"), w.bob.socks5Port())) {
            for (String path : new String[] {"/", "/settings", "/api/status"}) {
                browser.load(w.url(true, path));
                browser.waitFor("document.body.innerText.length > 0", PAGE);
                assertThat(browser.text()).as(path).contains("only the node owner's tailnet user").doesNotContain("java-web");
            }
        }
    }

    /** Types into the search box as a person would: the page reacts to the input event. */
    private static void search(Chromium browser, String text) {
        browser.eval("{ const q = document.getElementById('q'); q.value = " + quote(text) + ";"
                + " q.dispatchEvent(new Event('input')); }");
    }

    private static String quote(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
