package io.microlink.netstack.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.microlink.netstack.Headroom;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The local ports of active opens. A peer that closed first holds the port pair in TIME-WAIT
 * (gVisor for 60 s) and may drop a SYN on it until then, so a pair must not come back soon:
 * towards one destination every port of the range is taken once before any comes back.
 */
class EphemeralPortsTest {
    private static final byte[] LOCAL = TcpTransferTest.CLIENT_IP;
    private static final byte[] PEER = RawPeer.IP;
    private static final int PEER_PORT = 443;

    private final TcpStack stack = new TcpStack(TcpConfig.defaults().withMaxConnections(2 * EphemeralPorts.COUNT),
            (src, dst, segment, off, len) -> { }, Headroom.NONE, new RecordingEvents(), new SecureRandom());

    @Test
    void successiveConnectionsToOnePeerTakeEveryPortOnceBeforeAnyComesBack() {
        Set<Integer> used = new HashSet<>();
        for (int i = 0; i < EphemeralPorts.COUNT; i++) {
            TcpConnection c = stack.connect(LOCAL, PEER, PEER_PORT, 0);
            assertThat(c.localPort()).isBetween(EphemeralPorts.FIRST, 65535);
            assertThat(used.add(c.localPort()))
                    .as("connection %d took port %d again, which the peer may still hold in TIME-WAIT", i, c.localPort())
                    .isTrue();
            c.close(); // in SYN-SENT: gone at once, so its port is free again
            stack.flush(0);
        }
        assertThat(stack.connectionCount()).isZero();
    }

    @Test
    void portsInUseAreSkippedAndTheLastFreeOneIsFound() {
        int listened = EphemeralPorts.FIRST + 100;
        stack.listen(listened, 8);
        List<TcpConnection> open = new ArrayList<>();
        for (int i = 0; i < EphemeralPorts.COUNT - 1; i++) {
            open.add(stack.connect(LOCAL, PEER, PEER_PORT, 0));
        }
        assertThat(open).extracting(TcpConnection::localPort).doesNotHaveDuplicates().doesNotContain(listened);
        assertThatThrownBy(() -> stack.connect(LOCAL, PEER, PEER_PORT, 0))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no free ephemeral port");

        TcpConnection freed = open.get(1234);
        freed.close();
        stack.flush(0);
        assertThat(stack.connect(LOCAL, PEER, PEER_PORT, 0).localPort()).isEqualTo(freed.localPort());
        assertThat(stack.connect(LOCAL, PEER, PEER_PORT + 1, 0).localPort())
                .as("another destination has its own pairs").isBetween(EphemeralPorts.FIRST, 65535);
    }
}
