package io.microlink.web.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Asks the real kernel (Linux): the local user owning the client end of a loopback connection. */
@Timeout(30)
class LocalSocketOwnersTest {
    private static final int NOBODY = 65534;

    @Test
    void theOwnerOfOurOwnClientSocketIsOurUid() throws Exception {
        assumeTrue("Linux".equals(System.getProperty("os.name")));
        try (LocalSocketOwners owners = new LocalSocketOwners();
             ServerSocket server = new ServerSocket(0, 5, InetAddress.ofLiteral("127.0.0.1"));
             Socket client = new Socket(InetAddress.ofLiteral("127.0.0.1"), server.getLocalPort());
             Socket accepted = server.accept()) {
            InetSocketAddress from = (InetSocketAddress) accepted.getRemoteSocketAddress();
            InetSocketAddress to = (InetSocketAddress) accepted.getLocalSocketAddress();
            assertThat(owners.uidOf(from, to)).hasValue(ourUid());
            InetSocketAddress nobodyThere = new InetSocketAddress(from.getAddress(), freePort());
            assertThat(owners.uidOf(nobodyThere, to)).as("no such socket").isEmpty();
            assertThat(owners.uidOf(from, to)).as("a failed question leaves the next one answered").hasValue(ourUid());
        }
    }

    @Test
    void anotherUsersConnectionIsThatUsers() throws Exception {
        assumeTrue("Linux".equals(System.getProperty("os.name")) && ourUid() == 0, "needs root to act as nobody");
        try (LocalSocketOwners owners = new LocalSocketOwners();
             ServerSocket server = new ServerSocket(0, 5, InetAddress.ofLiteral("127.0.0.1"))) {
            Process nobody = new ProcessBuilder("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups",
                    "bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/" + server.getLocalPort() + "; sleep 20")
                    .redirectErrorStream(true).start();
            try (Socket accepted = server.accept()) {
                assertThat(owners.uidOf((InetSocketAddress) accepted.getRemoteSocketAddress(),
                        (InetSocketAddress) accepted.getLocalSocketAddress())).hasValue(NOBODY);
            } finally {
                nobody.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static int ourUid() throws Exception {
        return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.ofLiteral("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }
}
