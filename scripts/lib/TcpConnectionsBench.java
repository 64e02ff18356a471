package io.microlink.netstack.tcp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Issue 17's measure of the TCP stack on a small heap (scripts/bench-tcp-connections): N
 * connections to one stack configured for this JVM's heap ({@link TcpConfig#defaults()}), each
 * carrying a small echo, all open at once; prints how many were accepted and echoed, what the
 * stack refused for its buffer budget, and the heap after a GC with them all open. The callers'
 * stack has tiny buffers so that the heap measured is the server stack's. It lives in the
 * stack's package to drive the test sources' SimulatedNetwork.
 */
public final class TcpConnectionsBench {
    private static final long MS = SimulatedNetwork.MS;

    public static void main(String[] args) {
        int n = Integer.parseInt(args[0]);
        byte[] clientIp = {100, 64, 0, 1};
        byte[] serverIp = {100, 64, 0, 2};
        TcpConfig config = TcpConfig.defaults();
        SimulatedNetwork net = new SimulatedNetwork(17);
        SimulatedNetwork.Node client = net.add(clientIp, config.withInitialBufferBytes(2048)
                .withBufferSizes(4096, 4096).withMaxBufferBytes(1L << 40).withMaxConnections(1 << 16));
        SimulatedNetwork.Node server = net.add(serverIp, config);
        TcpListener listener = server.stack.listen(7, n);
        List<TcpConnection> callers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            callers.add(client.stack.connect(clientIp, serverIp, 7, net.now));
        }
        net.runUntil(() -> listener.pending() == n, 10_000 * MS);
        List<TcpConnection> accepted = new ArrayList<>();
        for (TcpConnection c; (c = listener.accept()) != null; ) {
            accepted.add(c);
        }
        byte[] hello = new byte[200];
        Arrays.fill(hello, (byte) 'x');
        for (TcpConnection c : callers) {
            c.write(hello, 0, hello.length);
        }
        client.stack.flush(net.now);
        byte[] buf = new byte[1024];
        net.runUntil(() -> {
            for (TcpConnection s : accepted) {
                int got = s.read(buf, 0, buf.length);
                if (got > 0) {
                    s.write(buf, 0, got);
                }
            }
            server.stack.flush(net.now);
            return false;
        }, 3000 * MS);
        int echoed = 0;
        for (TcpConnection c : callers) {
            if (c.read(buf, 0, buf.length) == hello.length) {
                echoed++;
            }
        }
        System.gc();
        Runtime rt = Runtime.getRuntime();
        System.out.printf("heap %d MiB, initial buffers %d KiB: %d connections, %d accepted, %d echoed, "
                        + "%d refused for the buffer budget; buffers %.1f MiB of %.1f; heap after GC %.1f MiB%n",
                rt.maxMemory() >> 20, config.initialBufferBytes() >> 10, n, accepted.size(), echoed,
                server.stack.bufferRefusals(), server.stack.bufferMemory() / 1048576.0,
                config.maxBufferBytes() / 1048576.0, (rt.totalMemory() - rt.freeMemory()) / 1048576.0);
    }
}
