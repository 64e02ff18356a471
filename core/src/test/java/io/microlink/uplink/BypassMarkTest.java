package io.microlink.uplink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.microlink.netstack.relay.SocketBinder;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * TUN mode's host sockets carry the bypass mark the exit-node rules let past the device, and are
 * then readied as without TUN mode. The kernel is asked for the mark back, so these run where the
 * test may set marks (Linux, CAP_NET_ADMIN) and are skipped elsewhere.
 */
class BypassMarkTest {

    private static void assumeMarksAllowed() {
        assumeTrue(DeviceBinding.usable(), "Linux with native access");
        assumeTrue(ProcessHandle.current().info().user().orElse("").equals("root"), "CAP_NET_ADMIN (root)");
    }

    @Test
    void tunModeMarksEveryUdpSocketBeforeTheUplinkBinderSeesIt() throws Exception {
        assumeMarksAllowed();
        List<Integer> seen = new ArrayList<>();
        SocketBinder then = new SocketBinder() {
            @Override
            public void bindTcp(Socket unconnected, InetAddress to) {
            }

            @Override
            public void bindUdp(int localPort, InetAddress to) {
                seen.add(localPort);
            }
        };
        try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            new BypassMark(then).bindUdp(udp.getLocalPort(), null);
            assertThat(DeviceBinding.markOf(true, udp.getLocalPort())).isEqualTo(0x80000);
            assertThat(seen).containsExactly(udp.getLocalPort());
        }
    }
}
