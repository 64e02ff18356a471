package io.microlink.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.microlink.TailnetNode;
import io.microlink.host.settings.NodeSettings;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon's proxies follow the settings and the node: on their ports while a node runs,
 * moved when a port changes, a busy port reported instead of failing, gone with the node. The
 * node here is never started, so every name is unknown to it: that the SOCKS5 proxy answers
 * "host unreachable" shows it asks the node.
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class LocalProxiesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private TailnetNode node;
    private final LocalProxies proxies = new LocalProxies();

    @BeforeEach
    void buildNode() {
        node = TailnetNode.builder().controlUrl("http://127.0.0.1:9").hostname("proxytest").stateDirectory(tmp).build();
    }

    @AfterEach
    void closeAll() {
        proxies.close();
        node.close();
    }

    private static NodeSettings ports(int socks5, int http) throws IOException {
        return NodeSettings.defaults().withChanges(JSON.readTree("{\"socks5Port\":" + socks5 + ",\"httpProxyPort\":"
                + http + "}"));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void theProxiesListenOnTheirPortsAndDialThroughTheNode() throws Exception {
        int socks5 = freePort();
        int http = freePort();
        proxies.apply(node, ports(socks5, http));
        assertThat(proxies.state()).extracting(LocalProxies.Proxy::address)
                .containsExactly("127.0.0.1:" + socks5, "127.0.0.1:" + http);
        assertThat(socks5Reply(socks5, "nosuchpeer")).as("SOCKS5 reply code").isEqualTo(4);
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), http)) {
            s.getOutputStream().write("GET http://nosuchpeer/ HTTP/1.1\r\nHost: nosuchpeer\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
                    .startsWith("HTTP/1.1 502");
        }
    }

    @Test
    void aChangedPortMovesTheProxyAndZeroTurnsItOff() throws Exception {
        int first = freePort();
        proxies.apply(node, ports(first, 0));
        int second = freePort();
        proxies.apply(node, ports(second, 0));
        assertThat(proxies.state().getFirst().address()).isEqualTo("127.0.0.1:" + second);
        Assertions.assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), first).close())
                .isInstanceOf(ConnectException.class);
        assertThat(proxies.state().get(1)).isEqualTo(new LocalProxies.Proxy("http", 0, null, null, false));
    }

    @Test
    void aBusyPortIsReportedAndTheOtherProxyRunsAnyway() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.ofLiteral("127.0.0.1"))) {
            int http = freePort();
            proxies.apply(node, ports(taken.getLocalPort(), http));
            LocalProxies.Proxy socks5 = proxies.state().getFirst();
            assertThat(socks5.address()).isNull();
            assertThat(socks5.problem()).startsWith("cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": ");
            assertThat(proxies.state().get(1).address()).isEqualTo("127.0.0.1:" + http);
        }
    }

    @Test
    void withoutANodeNothingListensAndStatusSaysWhy() throws Exception {
        int socks5 = freePort();
        proxies.apply(node, ports(socks5, 0));
        proxies.apply(null, ports(socks5, 0));
        assertThat(proxies.state().getFirst().problem()).isEqualTo("not running while microlink is down");
        Assertions.assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), socks5).close())
                .isInstanceOf(ConnectException.class);
    }

    @Test
    void withCredentialsBothProxiesAskForThemAndANewPasswordRestartsThem() throws Exception {
        int socks5 = freePort();
        int http = freePort();
        String password = "pw-SECRET-1";
        NodeSettings withAuth = ports(socks5, http).withChanges(JSON.readTree("{\"proxyUsername\":\"alice\","
                + "\"proxyPassword\":\"" + password + "\"}"));
        proxies.apply(node, withAuth);
        assertThat(proxies.state()).extracting(LocalProxies.Proxy::authentication).containsExactly(true, true);
        assertThat(proxies.state().toString()).doesNotContain("SECRET");
        assertThat(socks5Method(socks5)).as("only username/password is chosen").isEqualTo(2);
        assertThat(httpStatus(http, null)).startsWith("HTTP/1.1 407");
        assertThat(httpStatus(http, "alice:" + password)).startsWith("HTTP/1.1 502");

        proxies.apply(node, withAuth.withChanges(JSON.readTree("{\"proxyPassword\":\"pw-SECRET-2\"}")));
        assertThat(httpStatus(http, "alice:" + password)).as("the old password").startsWith("HTTP/1.1 407");
        assertThat(httpStatus(http, "alice:pw-SECRET-2")).startsWith("HTTP/1.1 502");

        proxies.apply(node, withAuth.withChanges(JSON.readTree("{\"proxyUsername\":null,\"proxyPassword\":null}")));
        assertThat(socks5Method(socks5)).isZero();
        assertThat(proxies.state()).extracting(LocalProxies.Proxy::authentication).containsExactly(false, false);
    }

    /** The method a SOCKS5 proxy chooses from a greeting offering "no authentication" and "username/password". */
    private static int socks5Method(int port) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(20_000);
            s.getOutputStream().write(new byte[] {5, 2, 0, 2});
            byte[] choice = new byte[2];
            new DataInputStream(s.getInputStream()).readFully(choice);
            return choice[1];
        }
    }

    /** The status line of a plain request for a name the node does not know, with {@code user:password} or none. */
    private static String httpStatus(int port, String credentials) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(20_000);
            String auth = credentials == null ? "" : "Proxy-Authorization: Basic " + java.util.Base64.getEncoder()
                    .encodeToString(credentials.getBytes(StandardCharsets.UTF_8)) + "\r\n";
            s.getOutputStream().write(("GET http://nosuchpeer/ HTTP/1.1\r\nHost: nosuchpeer\r\n" + auth + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    /** A SOCKS5 CONNECT by name (RFC 1928) and the reply's code. */
    private static int socks5Reply(int port, String host) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(20_000);
            byte[] name = host.getBytes(StandardCharsets.US_ASCII);
            byte[] request = new byte[3 + 4 + 1 + name.length + 2];
            int i = 0;
            for (byte b : new byte[] {5, 1, 0, 5, 1, 0, 3, (byte) name.length}) {
                request[i++] = b;
            }
            System.arraycopy(name, 0, request, i, name.length);
            request[request.length - 2] = 0;
            request[request.length - 1] = 80;
            s.getOutputStream().write(request);
            DataInputStream in = new DataInputStream(s.getInputStream());
            byte[] choice = new byte[2];
            in.readFully(choice);
            byte[] reply = new byte[2];
            in.readFully(reply);
            return reply[1];
        }
    }
}
