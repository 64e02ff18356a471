package io.microlink.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The SOCKS5 tunnel against a scripted proxy on loopback that reads the client's messages at
 * their expected lengths and answers fixed bytes: what is sent, that the tunnel's bytes are left
 * to the caller, and that refusals and garbage are one {@link ProxyException} line without the
 * password. (The real-server proof is the interop test with microsocks.)
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class Socks5DialerTest {
    private static final String TARGET = "derp.example";

    private ServerSocket proxySocket;
    /** Everything the client sent, in hex, once the script is done. */
    private final CompletableFuture<String> sent = new CompletableFuture<>();

    @BeforeEach
    void listen() throws IOException {
        proxySocket = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
    }

    @AfterEach
    void close() throws IOException {
        proxySocket.close();
    }

    /** For each step: read that many bytes from the client, then write that reply (hex). */
    private void script(Object... steps) {
        Thread.startVirtualThread(() -> {
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            try (Socket s = proxySocket.accept()) {
                InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream();
                for (int i = 0; i < steps.length; i += 2) {
                    got.writeBytes(in.readNBytes((Integer) steps[i]));
                    out.write(HexFormat.of().parseHex((String) steps[i + 1]));
                    out.flush();
                }
                sent.complete(HexFormat.of().formatHex(got.toByteArray()));
                Thread.sleep(2000);
            } catch (Exception e) {
                sent.completeExceptionally(e);
            }
        });
    }

    private Dialer dialer(String scheme, String userInfo) {
        return new Dialer(ProxyRules.fixed(OutboundProxy.parse(scheme + "://" + userInfo + "127.0.0.1:"
                + proxySocket.getLocalPort())));
    }

    private String proxyName(String scheme) {
        return "the outbound proxy " + scheme + "://127.0.0.1:" + proxySocket.getLocalPort();
    }

    @Test
    void socks5hSendsTheNameAndLeavesTheTunnelsBytes() throws Exception {
        script(3, "0500", 4 + 1 + TARGET.length() + 2, "05000001000000000000" + "6869");
        try (Socket s = dialer("socks5h", "").connect("https", TARGET, 443, null, 5000)) {
            assertThat(new String(s.getInputStream().readNBytes(2), StandardCharsets.US_ASCII)).isEqualTo("hi");
        }
        assertThat(sent.get(5, TimeUnit.SECONDS)).isEqualTo("050100" + "050100030c646572702e6578616d706c6501bb");
    }

    @Test
    void socks5SendsTheAddressAndAuthenticatesWhenAsked() throws Exception {
        script(4, "0502", 2 + 3 + 1 + 7, "0100", 10, "0500000304" + "61626364" + "0050");
        dialer("socks5", "ann:hunter2@").connect("http", "10.1.2.3", 8080, null, 5000).close();
        assertThat(sent.get(5, TimeUnit.SECONDS)).isEqualTo("05020002" + "0103616e6e0768756e74657232"
                + "050100010a0102031f90");
    }

    @Test
    void aWrongPasswordIsOneLineWithoutIt() {
        script(4, "0502", 13, "0101");
        assertThatThrownBy(() -> dialer("socks5h", "ann:hunter2@").connect("https", TARGET, 443, null, 5000))
                .isInstanceOf(ProxyException.class)
                .hasMessage(proxyName("socks5h") + " (with credentials) refused the user name and password:"
                        + " check the ones in the proxy URL");
    }

    @Test
    void aMissingPasswordIsSaidSo() {
        script(3, "05ff");
        assertThatThrownBy(() -> dialer("socks5h", "").connect("https", TARGET, 443, null, 5000))
                .isInstanceOf(ProxyException.class)
                .hasMessage(proxyName("socks5h") + " wants a user name and password: give them in the proxy URL,"
                        + " socks5h://user:password@host:port");
    }

    @Test
    void aRefusedConnectNamesTheReplyCode() {
        script(3, "0500", 19, "0502000100");
        assertThatThrownBy(() -> dialer("socks5h", "").connect("https", TARGET, 443, null, 5000))
                .isInstanceOf(ProxyException.class)
                .hasMessage(proxyName("socks5h") + " refused a SOCKS5 tunnel to derp.example:443 (connection not allowed"
                        + " by ruleset): its rules may not allow this host or port");
    }

    @Test
    void anHttpProxyAnsweringIsOneLine() {
        script(3, "485454502f312e3120343030");
        assertThatThrownBy(() -> dialer("socks5h", "").connect("https", TARGET, 443, null, 5000))
                .isInstanceOf(ProxyException.class)
                .hasMessage(proxyName("socks5h") + " does not speak SOCKS5 (version byte 72 where 5 belongs)");
    }

    @Test
    void aReplyCutShortIsOneLine() {
        script(3, "0500", 19, "050000010a00");
        assertThatThrownBy(() -> dialer("socks5h", "").connect("https", TARGET, 443, null, 5000))
                .isInstanceOf(ProxyException.class)
                .hasMessage(proxyName("socks5h") + " closed the connection during SOCKS5 CONNECT derp.example:443");
    }

    @Test
    void aSilentProxyCostsTheTimeoutOnly() {
        script(3, "");
        long start = System.nanoTime();
        assertThatThrownBy(() -> dialer("socks5h", "").connect("https", TARGET, 443, null, 500))
                .isInstanceOf(ProxyException.class)
                .hasMessage(proxyName("socks5h") + " did not answer SOCKS5 CONNECT derp.example:443 within 500 ms");
        assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(5));
    }

    @Test
    void aProxyTricklingItsReplyCostsTheTimeoutOnly() throws IOException {
        // No authentication, then a CONNECT reply with a 255-byte bound name, a byte every 100 ms:
        // each read comes well inside the 500 ms timeout; the whole reply would take 26 s.
        try (TrickleServer proxy = TrickleServer.start(HexFormat.of().parseHex("0500" + "050000" + "03ff"),
                (byte) 'a', Duration.ofMillis(100))) {
            Dialer dialer = new Dialer(ProxyRules.fixed(OutboundProxy.parse("socks5h://127.0.0.1:" + proxy.port())));
            long start = System.nanoTime();
            assertThatThrownBy(() -> assertTimeoutPreemptively(Duration.ofSeconds(10), () -> dialer.connect("https", TARGET, 443, null, 500)))
                    .isInstanceOf(ProxyException.class)
                    .hasMessage("the outbound proxy socks5h://127.0.0.1:" + proxy.port()
                            + " did not answer SOCKS5 CONNECT derp.example:443 within 500 ms");
            assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(5));
        }
    }

    @Test
    void anIpLiteralGoesAsAnAddressEvenThroughSocks5h() throws Exception {
        script(3, "0500", 4 + 16 + 2, "05000001000000000000");
        dialer("socks5h", "").connect("https", "[2001:db8::1]", 443, null, 5000).close();
        assertThat(sent.get(5, TimeUnit.SECONDS)).isEqualTo("050100" + "05010004" + "20010db8000000000000000000000001"
                + "01bb");
    }
}
