package io.microlink.host.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.microlink.netstack.socket.TailnetServerSocket;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The SOCKS5 proxy over loopback into a stand-in tailnet: relaying, half-close, reply codes, limits. */
@Timeout(30)
class Socks5ProxyTest {
    private final ProxyTestPeer tailnet = new ProxyTestPeer();

    @AfterEach
    void stop() {
        tailnet.close();
    }

    /** Greets, asks CONNECT to host:port by name, and returns the reply's first 10 bytes as hex (IPv4 form). */
    private static String connect(Socket s, String host, int port) throws Exception {
        OutputStream out = s.getOutputStream();
        InputStream in = s.getInputStream();
        out.write(HexFormat.of().parseHex("050100"));
        assertThat(ProxyTestPeer.readN(in, 2)).containsExactly(5, 0);
        out.write(HexFormat.of().parseHex("05010003" + "%02x".formatted(host.length())
                + HexFormat.of().formatHex(host.getBytes(StandardCharsets.US_ASCII)) + "%04x".formatted(port)));
        return HexFormat.of().formatHex(ProxyTestPeer.readN(in, 10));
    }

    @Test
    void aConnectionIsRelayedBothWaysAndEachSidesFinReachesTheOther() throws Exception {
        try (TailnetServerSocket server = tailnet.serve(7, ProxyTestPeer::echo);
             Socks5Proxy proxy = Socks5Proxy.start(tailnet.dialer, ProxyTestPeer.settings());
             Socket s = ProxyTestPeer.connect(proxy.address())) {
            // Succeeded, bound at this node's tailnet address 100.64.0.1.
            assertThat(connect(s, "peer", 7)).startsWith("05000001" + "64400001");
            byte[] data = new byte[300_000];
            new Random(3).nextBytes(data);
            Thread.startVirtualThread(() -> {
                try {
                    s.getOutputStream().write(data);
                    s.shutdownOutput(); // the echo server ends only when this FIN reaches it
                } catch (Exception e) {
                    // the assertion below reports it
                }
            });
            assertThat(s.getInputStream().readAllBytes()).isEqualTo(data);
        }
    }

    @Test
    void aNameOutsideTheTailnetIsHostUnreachable() throws Exception {
        try (Socks5Proxy proxy = Socks5Proxy.start(tailnet.dialer, ProxyTestPeer.settings());
             Socket s = ProxyTestPeer.connect(proxy.address())) {
            assertThat(connect(s, "example.com", 80)).isEqualTo("05040001000000000000");
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
    }

    @Test
    void aPortThePeerRefusesIsConnectionRefused() throws Exception {
        try (Socks5Proxy proxy = Socks5Proxy.start(tailnet.dialer, ProxyTestPeer.settings());
             Socket s = ProxyTestPeer.connect(proxy.address())) {
            assertThat(connect(s, "peer", 81)).isEqualTo("05050001000000000000");
        }
    }

    @Test
    void aPeerThatNeverAnswersIsHostUnreachableAfterTheConnectTimeout() throws Exception {
        tailnet.pair.blackHole(true);
        try (Socks5Proxy proxy = Socks5Proxy.start(tailnet.dialer,
                ProxyTestPeer.settings().withConnectTimeout(Duration.ofMillis(300)));
             Socket s = ProxyTestPeer.connect(proxy.address())) {
            long start = System.nanoTime();
            assertThat(connect(s, "peer", 80)).isEqualTo("05040001000000000000");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void bindAndUdpAssociateAreCommandNotSupported() throws Exception {
        try (Socks5Proxy proxy = Socks5Proxy.start(tailnet.dialer, ProxyTestPeer.settings())) {
            for (String command : new String[] {"02", "03"}) {
                try (Socket s = ProxyTestPeer.connect(proxy.address())) {
                    s.getOutputStream().write(HexFormat.of().parseHex("050100" + "05" + command + "0001644000020050"));
                    assertThat(HexFormat.of().formatHex(ProxyTestPeer.readN(s.getInputStream(), 12)))
                            .isEqualTo("0500" + "05070001000000000000");
                }
            }
        }
    }

    @Test
    void aClientWithoutTheNoAuthenticationMethodIsTurnedAway() throws Exception {
        try (Socks5Proxy proxy = Socks5Proxy.start(tailnet.dialer, ProxyTestPeer.settings());
             Socket s = ProxyTestPeer.connect(proxy.address())) {
            s.getOutputStream().write(HexFormat.of().parseHex("050102"));
            assertThat(s.getInputStream().readAllBytes()).containsExactly(5, 0xff);
        }
    }

    @Test
    void withCredentialsOnlyUsernamePasswordIsOfferedAndOnlyTheRightOnesGetThrough() throws Exception {
        ProxySettings settings = ProxyTestPeer.settings().withCredentials(ProxyCredentials.of("alice", "s3cret"));
        try (TailnetServerSocket server = tailnet.serve(7, ProxyTestPeer::echo);
             Socks5Proxy proxy = Socks5Proxy.start(tailnet.dialer, settings)) {
            try (Socket s = ProxyTestPeer.connect(proxy.address())) {
                s.getOutputStream().write(HexFormat.of().parseHex("050100"));
                assertThat(s.getInputStream().readAllBytes()).as("no authentication is refused")
                        .containsExactly(5, 0xff);
            }
            for (String[] wrong : new String[][] {{"alice", "s3creT"}, {"bob", "s3cret"}, {"", ""}}) {
                try (Socket s = ProxyTestPeer.connect(proxy.address())) {
                    s.getOutputStream().write(HexFormat.of().parseHex("05020002"));
                    assertThat(ProxyTestPeer.readN(s.getInputStream(), 2)).containsExactly(5, 2);
                    s.getOutputStream().write(usernamePassword(wrong[0], wrong[1]));
                    assertThat(s.getInputStream().readAllBytes()).as(String.join(":", wrong)).containsExactly(1, 1);
                }
            }
            try (Socket s = ProxyTestPeer.connect(proxy.address())) {
                OutputStream out = s.getOutputStream();
                InputStream in = s.getInputStream();
                out.write(HexFormat.of().parseHex("050102"));
                assertThat(ProxyTestPeer.readN(in, 2)).containsExactly(5, 2);
                out.write(usernamePassword("alice", "s3cret"));
                assertThat(ProxyTestPeer.readN(in, 2)).containsExactly(1, 0);
                out.write(HexFormat.of().parseHex("050100030470656572" + "0007"));
                assertThat(HexFormat.of().formatHex(ProxyTestPeer.readN(in, 10))).startsWith("0500");
                out.write("hi".getBytes(StandardCharsets.US_ASCII));
                s.shutdownOutput();
                assertThat(in.readAllBytes()).isEqualTo("hi".getBytes(StandardCharsets.US_ASCII));
            }
        }
    }

    /** RFC 1929's request. */
    private static byte[] usernamePassword(String user, String password) {
        byte[] u = user.getBytes(StandardCharsets.UTF_8);
        byte[] p = password.getBytes(StandardCharsets.UTF_8);
        byte[] b = new byte[3 + u.length + p.length];
        b[0] = 1;
        b[1] = (byte) u.length;
        System.arraycopy(u, 0, b, 2, u.length);
        b[2 + u.length] = (byte) p.length;
        System.arraycopy(p, 0, b, 3 + u.length, p.length);
        return b;
    }

    @Test
    void aClientThatStallsInTheHandshakeIsClosedAtTheHandshakeTimeout() throws Exception {
        try (Socks5Proxy proxy = Socks5Proxy.start(tailnet.dialer,
                ProxyTestPeer.settings().withHandshakeTimeout(Duration.ofMillis(300)));
             Socket s = ProxyTestPeer.connect(proxy.address())) {
            s.getOutputStream().write(HexFormat.of().parseHex("0501")); // and then nothing
            long start = System.nanoTime();
            assertThat(s.getInputStream().read()).isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void beyondMaxConnectionsARequestIsAnsweredWithGeneralFailureAndASlotFreesUpAfterwards() throws Exception {
        try (TailnetServerSocket server = tailnet.serve(7, ProxyTestPeer::echo);
             Socks5Proxy proxy = Socks5Proxy.start(tailnet.dialer, ProxyTestPeer.settings().withMaxConnections(1))) {
            try (Socket first = ProxyTestPeer.connect(proxy.address())) {
                assertThat(connect(first, "peer", 7)).startsWith("0500");
                try (Socket second = ProxyTestPeer.connect(proxy.address())) {
                    assertThat(connect(second, "peer", 7)).isEqualTo("05010001000000000000");
                }
            }
            // The first relay ends once its client closed; then there is room again.
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            String reply;
            do {
                Thread.sleep(20);
                try (Socket again = ProxyTestPeer.connect(proxy.address())) {
                    reply = connect(again, "peer", 7);
                }
            } while (!reply.startsWith("0500") && System.nanoTime() < deadline);
            assertThat(reply).startsWith("0500");
        }
    }
}
