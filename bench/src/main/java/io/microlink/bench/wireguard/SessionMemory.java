package io.microlink.bench.wireguard;

import io.microlink.crypto.X25519;
import io.microlink.wireguard.noise.Protocol;
import io.microlink.wireguard.session.Endpoint;
import io.microlink.wireguard.session.Engine;
import io.microlink.wireguard.session.EngineSettings;
import io.microlink.wireguard.session.Network;
import io.microlink.wireguard.session.Peer;
import io.microlink.wireguard.session.PeerSpec;
import io.microlink.wireguard.session.TimeSource;
import io.microlink.wireguard.session.UdpEndpoint;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * Heap cost of peers and of their sessions in one engine: adds N peers (retained heap per
 * configured peer), then completes a handshake with each (retained heap per session: keypair,
 * two ciphers, replay window, index entry). Run:
 * {@code java -cp bench/target/benchmarks.jar io.microlink.bench.wireguard.SessionMemory [N]}
 */
public final class SessionMemory {
    private SessionMemory() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
        TimeSource clock = TimeSource.system();
        // Every handshake here comes at once: keep the engine out of cookie mode.
        EngineSettings settings = EngineSettings.DEFAULT.withMaxSessions(n + 1).withUnderLoadThreshold(Integer.MAX_VALUE);
        byte[] hubKey = X25519.generatePrivateKey();
        long base = usedHeap();
        Engine hub = new Engine(hubKey, settings, clock);
        byte[][] spokeKeys = new byte[n][];
        Peer[] peers = new Peer[n];
        for (int i = 0; i < n; i++) {
            spokeKeys[i] = X25519.generatePrivateKey();
            peers[i] = hub.addPeer(new PeerSpec(X25519.publicKey(spokeKeys[i]), null, null, 0, false));
            hub.allowedIps().insert(InetAddress.getByAddress(new byte[] {10, 1, (byte) (i >>> 8), (byte) i}), 32, peers[i]);
        }
        long withPeers = usedHeap();
        UdpEndpoint hubAddr = new UdpEndpoint(new InetSocketAddress(InetAddress.getLoopbackAddress(), 1));
        for (int i = 0; i < n; i++) {
            handshake(hub, hubKey, spokeKeys[i], hubAddr, i, settings, clock);
        }
        long withSessions = usedHeap();
        long sessions = Arrays.stream(peers).filter(Peer::hasSession).count();
        System.out.printf("peers: %d, sessions: %d%n", n, sessions);
        System.out.printf("per configured peer (handshake state, cookie state, timers, route): %d bytes%n",
                (withPeers - base) / n);
        System.out.printf("per session (keypair, 2 ciphers, replay window, index entry): %d bytes%n",
                (withSessions - withPeers) / sessions);
        System.out.printf("total per peer with a session: %d bytes%n", (withSessions - base) / n);
        if (hub.peers().size() != n) {
            throw new AssertionError("engine lost peers");
        }
    }

    /** One spoke engine handshakes with the hub, then is discarded; the hub keeps the session. */
    private static void handshake(Engine hub, byte[] hubKey, byte[] spokeKey, UdpEndpoint hubAddr, int i,
                                  EngineSettings settings, TimeSource clock) throws Exception {
        Engine spoke = new Engine(spokeKey, settings, clock);
        Peer hubAtSpoke = spoke.addPeer(new PeerSpec(X25519.publicKey(hubKey), null, hubAddr, 0, false));
        spoke.allowedIps().insert(InetAddress.getByName("10.0.0.1"), 32, hubAtSpoke);
        UdpEndpoint spokeAddr = new UdpEndpoint(new InetSocketAddress(InetAddress.getLoopbackAddress(), 1000 + i));
        ArrayDeque<byte[]> toHub = new ArrayDeque<>(), toSpoke = new ArrayDeque<>();
        Network spokeNet = sink(toHub), hubNet = sink(toSpoke);
        byte[] buf = new byte[Protocol.TRANSPORT_HEADER_SIZE + 60 + 32];
        int o = Protocol.TRANSPORT_HEADER_SIZE;
        buf[o] = 0x45;
        buf[o + 3] = 60;
        byte[] src = {10, 1, (byte) (i >>> 8), (byte) i};
        System.arraycopy(src, 0, buf, o + 12, 4);
        System.arraycopy(new byte[] {10, 0, 0, 1}, 0, buf, o + 16, 4);
        spoke.send(buf, o, 60, spokeNet);
        while (!toHub.isEmpty() || !toSpoke.isEmpty()) {
            for (byte[] m; (m = toHub.poll()) != null; ) {
                hub.receive(m, 0, m.length, spokeAddr, hubNet);
            }
            for (byte[] m; (m = toSpoke.poll()) != null; ) {
                spoke.receive(m, 0, m.length, hubAddr, spokeNet);
            }
        }
    }

    private static Network sink(ArrayDeque<byte[]> queue) {
        return new Network() {
            @Override
            public void send(Endpoint to, byte[] b, int off, int len) {
                queue.add(Arrays.copyOfRange(b, off, off + len));
            }

            @Override
            public void deliver(byte[] b, int off, int len) {
                // not needed for the measurement
            }
        };
    }

    private static long usedHeap() throws InterruptedException {
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
