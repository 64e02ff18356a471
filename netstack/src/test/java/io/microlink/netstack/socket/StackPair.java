package io.microlink.netstack.socket;

import io.microlink.netstack.Headroom;
import io.microlink.netstack.tcp.TcpConfig;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Two userspace stacks wired back to back in one JVM, for tests of code above the socket API:
 * {@link #a} is "this node" at {@link #A}, {@link #b} a peer at {@link #B}. Each direction is
 * delivered on its own thread, as WireGuard's output and input are. {@link #blackHole} drops
 * everything, like a peer that went away without a word.
 */
public final class StackPair implements AutoCloseable {
    public static final InetAddress A = InetAddress.ofLiteral("100.64.0.1");
    public static final InetAddress B = InetAddress.ofLiteral("100.64.0.2");

    public final Netstack a;
    public final Netstack b;
    private final ExecutorService toB = Executors.newSingleThreadExecutor();
    private final ExecutorService toA = Executors.newSingleThreadExecutor();
    private volatile boolean blackHole;

    public StackPair() {
        Netstack[] stacks = new Netstack[2];
        stacks[0] = new Netstack(TcpConfig.defaults(), (buf, off, len) -> {
            byte[] p = Arrays.copyOfRange(buf, off, off + len); // the stack reuses its buffer
            toB.execute(() -> {
                if (!blackHole) {
                    stacks[1].inbound(p, 0, p.length);
                }
            });
        }, Headroom.NONE);
        stacks[1] = new Netstack(TcpConfig.defaults(), (buf, off, len) -> {
            byte[] p = Arrays.copyOfRange(buf, off, off + len);
            toA.execute(() -> {
                if (!blackHole) {
                    stacks[0].inbound(p, 0, p.length);
                }
            });
        }, Headroom.NONE);
        a = stacks[0];
        b = stacks[1];
        a.setAddresses(List.of(A));
        b.setAddresses(List.of(B));
    }

    public void blackHole(boolean on) {
        blackHole = on;
    }

    @Override
    public void close() {
        toA.shutdownNow();
        toB.shutdownNow();
        a.close();
        b.close();
    }
}
