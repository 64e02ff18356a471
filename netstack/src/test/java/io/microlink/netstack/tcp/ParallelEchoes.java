package io.microlink.netstack.tcp;

import static io.microlink.netstack.tcp.SimulatedNetwork.MS;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * N connections opened at once from one stack to another over a {@link SimulatedNetwork}, each then
 * carrying a 200-byte echo with all of them still open: the load of many light connections on a
 * small heap (issue 17), shared by {@link TcpSmallHeapTest} and {@link TcpConnectionsBench}.
 */
record ParallelEchoes(SimulatedNetwork.Node server, List<TcpConnection> callers, List<TcpConnection> accepted,
        int echoed) {
    private static final byte[] CLIENT_IP = {100, 64, 0, 1};
    private static final byte[] SERVER_IP = {100, 64, 0, 2};

    /**
     * Runs the load; the connections stay open (and reachable from the result) so that the caller
     * can measure what they hold.
     */
    static ParallelEchoes run(TcpConfig serverConfig, TcpConfig clientConfig, int n, long acceptWaitMs,
            long echoWaitMs) {
        SimulatedNetwork net = new SimulatedNetwork(17);
        SimulatedNetwork.Node client = net.add(CLIENT_IP, clientConfig);
        SimulatedNetwork.Node server = net.add(SERVER_IP, serverConfig);
        TcpListener listener = server.stack.listen(7, n);
        List<TcpConnection> callers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            callers.add(client.stack.connect(CLIENT_IP, SERVER_IP, 7, net.now));
        }
        net.runUntil(() -> listener.pending() == n, acceptWaitMs * MS);
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
                    s.write(buf, 0, got); // every connection keeps its data, none is closed
                }
            }
            server.stack.flush(net.now);
            return false;
        }, echoWaitMs * MS);
        int echoed = 0;
        for (TcpConnection c : callers) {
            if (c.read(buf, 0, buf.length) == hello.length) {
                echoed++;
            }
        }
        return new ParallelEchoes(server, callers, accepted, echoed);
    }
}
