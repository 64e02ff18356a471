package io.microlink.netstack.tcp;

import java.lang.ref.Reference;

/**
 * Issue 17's measure of the TCP stack on a small heap (scripts/bench-tcp-connections):
 * {@link ParallelEchoes} against one stack configured for this JVM's heap
 * ({@link TcpConfig#defaults()}); prints how many connections were accepted and echoed, what the
 * stack refused for its buffer budget, and the heap after a GC with them all open. The callers'
 * stack has tiny buffers so that the heap measured is the server stack's.
 */
public final class TcpConnectionsBench {
    private TcpConnectionsBench() {
    }

    public static void main(String[] args) {
        int n = Integer.parseInt(args[0]);
        TcpConfig config = TcpConfig.defaults();
        ParallelEchoes load = ParallelEchoes.run(config, config.withInitialBufferBytes(2048)
                .withBufferSizes(4096, 4096).withMaxBufferBytes(1L << 40).withMaxConnections(1 << 16), n, 10_000, 3000);
        System.gc();
        Runtime rt = Runtime.getRuntime();
        TcpStack server = load.server().stack;
        System.out.printf("heap %d MiB, initial buffers %d KiB: %d connections, %d accepted, %d echoed, "
                        + "%d refused for the buffer budget; buffers %.1f MiB of %.1f; heap after GC %.1f MiB%n",
                rt.maxMemory() >> 20, config.initialBufferBytes() >> 10, n, load.accepted().size(), load.echoed(),
                server.bufferRefusals(), server.bufferMemory() / 1048576.0,
                config.maxBufferBytes() / 1048576.0, (rt.totalMemory() - rt.freeMemory()) / 1048576.0);
        Reference.reachabilityFence(load); // the connections were measured open
    }
}
