package io.microlink.lopower;

import io.microlink.lopower.bridge.Uplink;
import io.microlink.netstack.Headroom;
import io.microlink.netstack.socket.Netstack;
import io.microlink.netstack.socket.TailnetDatagramSocket;
import io.microlink.netstack.socket.TailnetServerSocket;
import io.microlink.netstack.socket.TailnetSocket;
import io.microlink.netstack.tcp.TcpConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in tailnet: the bridge's node and one peer, two stacks wired back to back. The peer
 * echoes TCP and UDP on port 7; the node is the bridge's {@link Uplink}.
 */
final class PairedStacks implements Uplink, AutoCloseable {
    static final InetAddress NODE_V4 = InetAddress.ofLiteral("100.64.0.1");
    static final InetAddress NODE_V6 = InetAddress.ofLiteral("fd7a:115c:a1e0::1");
    static final InetAddress PEER_V4 = InetAddress.ofLiteral("100.64.0.2");
    static final InetAddress PEER_V6 = InetAddress.ofLiteral("fd7a:115c:a1e0::2");

    final Netstack node;
    final Netstack peer;
    final AtomicInteger dials = new AtomicInteger();
    private final ExecutorService toPeer = Executors.newSingleThreadExecutor();
    private final ExecutorService toNode = Executors.newSingleThreadExecutor();
    private final TailnetServerSocket echo;
    private final TailnetDatagramSocket udpEcho;

    PairedStacks() throws IOException {
        Netstack[] s = new Netstack[2];
        s[0] = new Netstack(TcpConfig.defaults(), (b, off, len) -> {
            byte[] p = Arrays.copyOfRange(b, off, off + len);
            toPeer.execute(() -> s[1].inbound(p, 0, p.length));
        }, Headroom.NONE);
        s[1] = new Netstack(TcpConfig.defaults(), (b, off, len) -> {
            byte[] p = Arrays.copyOfRange(b, off, off + len);
            toNode.execute(() -> s[0].inbound(p, 0, p.length));
        }, Headroom.NONE);
        node = s[0];
        peer = s[1];
        node.setAddresses(List.of(NODE_V4, NODE_V6));
        peer.setAddresses(List.of(PEER_V4, PEER_V6));
        echo = peer.listen(7, 64);
        Thread.ofVirtual().start(this::echoLoop);
        udpEcho = peer.bindUdp(7);
        udpEcho.onReceive(d -> udpEcho.send(d.sender(), d.data()));
    }

    private void echoLoop() {
        while (true) {
            TailnetSocket c;
            try {
                c = echo.accept();
            } catch (IOException e) {
                return;
            }
            Thread.ofVirtual().start(() -> {
                try (c; InputStream in = c.getInputStream(); OutputStream out = c.getOutputStream()) {
                    in.transferTo(out);
                } catch (IOException e) {
                    // the test ended the connection
                }
            });
        }
    }

    @Override
    public TailnetSocket dial(InetAddress address, int port, Duration timeout) throws IOException {
        dials.incrementAndGet();
        return node.connect(address, port, timeout.toMillis());
    }

    @Override
    public TailnetDatagramSocket bindUdp(int port) throws IOException {
        return node.bindUdp(port);
    }

    @Override
    public Duration icmpPing(InetAddress address, Duration timeout) throws IOException, TimeoutException {
        return node.ping(address, new byte[] {'l', 'p'}, timeout);
    }

    @Override
    public TailnetServerSocket listen(int port) throws IOException {
        return node.listen(port, 16);
    }

    @Override
    public void close() {
        echo.close();
        udpEcho.close();
        toPeer.shutdownNow();
        toNode.shutdownNow();
        node.close();
        peer.close();
    }
}
