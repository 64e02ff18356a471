package io.microlink.lopower;

import io.microlink.netstack.Headroom;
import io.microlink.netstack.PacketSink;
import io.microlink.netstack.socket.Netstack;
import io.microlink.netstack.tcp.TcpConfig;
import io.microlink.wireguard.WireGuardDevice;
import io.microlink.wireguard.config.WireGuardKey;
import io.microlink.wireguard.session.Engine;
import io.microlink.wireguard.session.EngineSettings;
import io.microlink.wireguard.session.Peer;
import io.microlink.wireguard.session.PeerSpec;
import io.microlink.wireguard.session.TimeSource;
import io.microlink.wireguard.session.UdpEndpoint;
import io.microlink.wireguard.tun.TunDevice;
import io.microlink.wireguard.udp.UdpBatchSocket;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * A plain WireGuard device in the test's JVM: our engine with a userspace stack as its TUN
 * device, routing everything to the bridge (a hostile device may send anywhere, whatever its
 * configuration says).
 */
final class TestDevice implements AutoCloseable {
    final Netstack stack;
    final Engine engine;
    private final WireGuardDevice wireguard;
    private final QueueTun tun = new QueueTun();

    TestDevice(byte[] privateKey, String bridgePublicKey, int bridgePort, List<InetAddress> addresses)
            throws IOException {
        engine = new Engine(privateKey, EngineSettings.DEFAULT, TimeSource.system());
        Peer bridge = engine.addPeer(new PeerSpec(WireGuardKey.parse(bridgePublicKey, false).bytes(), null,
                new UdpEndpoint(new InetSocketAddress(InetAddress.getLoopbackAddress(), bridgePort)), 0, false));
        engine.allowedIps().insert(InetAddress.ofLiteral("0.0.0.0"), 0, bridge);
        engine.allowedIps().insert(InetAddress.ofLiteral("::"), 0, bridge);
        stack = new Netstack(TcpConfig.defaults(), tun, Headroom.NONE);
        stack.setAddresses(addresses);
        tun.stack = stack;
        UdpBatchSocket udp = UdpBatchSocket.open(0, 1 << 20);
        wireguard = WireGuardDevice.run(engine, tun, udp);
    }

    static TestDevice of(EnrolledDevice d, String bridgePublicKey, int port) throws IOException {
        String key = d.config().lines().filter(l -> l.startsWith("PrivateKey = ")).findFirst().orElseThrow()
                .substring("PrivateKey = ".length());
        return new TestDevice(WireGuardKey.parse(key, true).bytes(), bridgePublicKey, port, d.addresses());
    }

    /** Sends a raw IP packet through the tunnel, whatever its source says. */
    void sendRaw(byte[] packet) {
        tun.accept(packet, 0, packet.length);
    }

    @Override
    public void close() {
        wireguard.close();
        stack.close();
    }

    /** Whether the device drops what the bridge sends it, as a flooder ignoring the answers does. */
    void deaf(boolean on) {
        tun.deaf = on;
    }

    private static final class QueueTun implements TunDevice, PacketSink {
        private final BlockingQueue<byte[]> out = new ArrayBlockingQueue<>(4096);
        volatile Netstack stack;
        volatile boolean deaf;
        private volatile boolean closed;

        @Override
        public String name() {
            return "test-device";
        }

        @Override
        public int read(byte[] buf, int off, int maxLen) {
            try {
                byte[] p = out.take();
                if (closed) {
                    return -1;
                }
                System.arraycopy(p, 0, buf, off, p.length);
                return p.length;
            } catch (InterruptedException e) {
                return -1;
            }
        }

        @Override
        public int readIfWaiting(byte[] buf, int off, int maxLen) {
            byte[] p = out.poll();
            if (p == null) {
                return 0;
            }
            System.arraycopy(p, 0, buf, off, p.length);
            return p.length;
        }

        @Override
        public void write(byte[] buf, int off, int len) {
            if (!deaf) {
                stack.inbound(buf, off, len);
            }
        }

        @Override
        public void accept(byte[] buf, int off, int len) {
            out.offer(Arrays.copyOfRange(buf, off, off + len));
        }

        @Override
        public void close() {
            closed = true;
            out.offer(new byte[0]);
        }
    }
}
