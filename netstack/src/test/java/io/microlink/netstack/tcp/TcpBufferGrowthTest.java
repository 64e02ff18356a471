package io.microlink.netstack.tcp;

import static io.microlink.netstack.tcp.SimulatedNetwork.MS;
import static io.microlink.netstack.tcp.TcpTransferTest.CLIENT_IP;
import static io.microlink.netstack.tcp.TcpTransferTest.SERVER_IP;
import static io.microlink.netstack.tcp.TcpTransferTest.randomBytes;
import static io.microlink.netstack.tcp.TcpTransferTest.sha256;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Buffers start small and grow only where they limit a connection: over a path whose delay
 * holds more than the initial window, a bulk transfer's send and receive buffers grow to their
 * bound and the transfer gets faster; behind a slow reader the receive buffer stays as it was.
 */
class TcpBufferGrowthTest {
    private static final long SECOND = 1000 * MS;
    private static final int MEGABYTES = 6;

    /** A client sending {@link #MEGABYTES} to a server that reads at most {@code readBytesPerMs} each millisecond (0: all). */
    private record Transfer(long nanos, TcpConnection client, TcpConnection server) {}

    private static Transfer transfer(TcpConfig config, int readBytesPerMs) throws Exception {
        SimulatedNetwork net = new SimulatedNetwork(3);
        SimulatedNetwork.Node client = net.add(CLIENT_IP, config);
        SimulatedNetwork.Node server = net.add(SERVER_IP, config);
        TcpListener listener = server.stack.listen(443, 4);
        TcpConnection c = client.stack.connect(CLIENT_IP, SERVER_IP, 443, net.now);
        assertThat(net.runUntil(() -> listener.pending() > 0, 10 * SECOND)).isTrue();
        TcpConnection s = listener.accept();
        byte[] data = randomBytes(9, MEGABYTES << 20);
        TcpTransferTest.Endpoint sender = new TcpTransferTest.Endpoint(client.stack, c, data);
        java.security.MessageDigest digest = java.security.MessageDigest.getInstance("SHA-256");
        byte[] buf = new byte[64 * 1024];
        long[] got = {0};
        long start = net.now;
        // The reader wakes every millisecond of simulated time, whether packets came or not.
        while (got[0] < data.length && net.now - start < 600 * SECOND) {
            net.runUntil(() -> {
                sender.pump(net.now);
                return false;
            }, MS);
            int n = s.read(buf, 0, readBytesPerMs == 0 ? buf.length : readBytesPerMs);
            while (n > 0) {
                digest.update(buf, 0, n);
                got[0] += n;
                n = readBytesPerMs == 0 ? s.read(buf, 0, buf.length) : 0;
            }
            server.stack.flush(net.now);
        }
        assertThat(got[0]).as("bytes the server read").isEqualTo(data.length);
        assertThat(digest.digest()).isEqualTo(sha256(data));
        return new Transfer(net.now - start, c, s);
    }

    @Test
    void aBulkTransferThatTheWindowLimitsGrowsBothBuffersAndGoesFaster() throws Exception {
        TcpConfig fixed = TcpConfig.defaults().withBufferSizes(TcpConfig.INITIAL_BUFFER_BYTES, TcpConfig.INITIAL_BUFFER_BYTES);
        Transfer small = transfer(fixed, 0);
        Transfer grown = transfer(TcpConfig.defaults(), 0);

        assertThat(small.client().sendBufferCapacity()).isEqualTo(TcpConfig.INITIAL_BUFFER_BYTES);
        // The send buffer follows twice what may be in flight; the receive buffer goes to its bound.
        assertThat(grown.client().sendBufferCapacity()).isGreaterThan(TcpConfig.INITIAL_BUFFER_BYTES);
        assertThat(grown.server().receiveBufferCapacity()).isEqualTo(TcpConfig.defaults().receiveBufferBytes());
        // 10 ms round trips and no bandwidth limit: the window is the rate, so a 4x window
        // must show up as much shorter transfer time.
        assertThat(grown.nanos()).as("grown %d ms, fixed %d ms", grown.nanos() / MS, small.nanos() / MS)
                .isLessThan(small.nanos() / 2);
    }

    @Test
    void aSlowReaderKeepsTheReceiveBufferAsItWas() throws Exception {
        Transfer t = transfer(TcpConfig.defaults(), 1024); // 1 MB/s, where the window allows 25 MB/s
        assertThat(t.server().receiveBufferCapacity()).isEqualTo(TcpConfig.INITIAL_BUFFER_BYTES);
    }

    @Test
    void buffersGrowNoFurtherThanTheStacksGrowthBudget() throws Exception {
        int budget = TcpConfig.INITIAL_BUFFER_BYTES;
        Transfer t = transfer(TcpConfig.defaults().withMaxBufferGrowthBytes(budget), 0);
        assertThat(t.server().receiveBufferCapacity()).isLessThanOrEqualTo(TcpConfig.INITIAL_BUFFER_BYTES + budget);
        assertThat(t.client().sendBufferCapacity()).isLessThanOrEqualTo(TcpConfig.INITIAL_BUFFER_BYTES + budget);
    }
}
