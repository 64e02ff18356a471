package io.microlink.interop.netstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.microlink.TailnetNode;
import io.microlink.interop.Await;
import io.microlink.interop.Tailscaled;
import io.microlink.interop.TestTailnet;
import io.microlink.netstack.socket.TailnetServerSocket;
import io.microlink.netstack.socket.TailnetSocket;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A headscale ACL that allows one TCP port only, enforced by the Java node and by tailscaled. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class PacketFilterInteropTest {
    private static final int ALLOWED = 7001;
    private static final int DENIED = 7002;
    private static final Duration WAIT = Duration.ofSeconds(45);

    @RegisterExtension
    static final TestTailnet tailnet = TestTailnet.withPolicy("""
            {"acls": [{"action": "accept", "src": ["alice@"], "dst": ["alice@:%d"]}]}
            """.formatted(ALLOWED));

    private static Tailscaled real;
    private static TailnetNode java;

    @BeforeAll
    static void joinBoth() {
        real = tailnet.addNode("real");
        java = tailnet.addJavaNode("java-acl", real);
    }

    @Test
    void theJavaNodeAdmitsTheAllowedPortAndDropsTheOther() throws Exception {
        AtomicInteger deniedAccepts = new AtomicInteger();
        try (TailnetServerSocket allowed = java.listen(ALLOWED); TailnetServerSocket denied = java.listen(DENIED)) {
            Thread.startVirtualThread(() -> echoOnce(allowed));
            Thread.startVirtualThread(() -> {
                try (TailnetSocket s = denied.accept()) {
                    deniedAccepts.incrementAndGet();
                } catch (IOException e) {
                    // closed at the end of the test
                }
            });
            byte[] hello = "allowed\n".getBytes();
            assertThat(real.nc("java-acl", ALLOWED, hello, hello.length, WAIT)).isEqualTo(hello);

            // tailscaled keeps retrying its SYN (a TSMP rejection is only logged there), so nc just hangs: give it 8 s.
            assertThatThrownBy(() -> real.nc("java-acl", DENIED, hello, 1, Duration.ofSeconds(8)))
                    .hasMessageContaining("nc");
            assertThat(deniedAccepts).hasValue(0);
        }
    }

    @Test
    void tailscaledDropsTheJavaNodesConnectionToADeniedPortAndAdmitsTheAllowedOne() throws Exception {
        try (ServerSocket server = new ServerSocket(ALLOWED, 8, InetAddress.getLoopbackAddress());
             ServerSocket other = new ServerSocket(DENIED, 8, InetAddress.getLoopbackAddress())) {
            Thread.startVirtualThread(() -> {
                try (Socket s = server.accept()) {
                    s.getOutputStream().write('!');
                } catch (IOException e) {
                    // closed at the end of the test
                }
            });
            try (TailnetSocket s = java.dial("real", ALLOWED, Duration.ofSeconds(20))) {
                assertThat(s.getInputStream().read()).isEqualTo('!');
            }
            assertThatThrownBy(() -> java.dial("real", DENIED, Duration.ofSeconds(5))).isInstanceOf(IOException.class);
        }
    }

    private static void echoOnce(TailnetServerSocket server) {
        try (TailnetSocket c = server.accept()) {
            c.getInputStream().transferTo(c.getOutputStream());
        } catch (IOException e) {
            // closed at the end of the test
        }
    }
}
