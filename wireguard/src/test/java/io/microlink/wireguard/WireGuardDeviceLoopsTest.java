package io.microlink.wireguard;

import static org.assertj.core.api.Assertions.assertThat;

import io.microlink.crypto.X25519;
import io.microlink.wireguard.noise.Protocol;
import io.microlink.wireguard.session.Endpoint;
import io.microlink.wireguard.session.Engine;
import io.microlink.wireguard.session.EngineSettings;
import io.microlink.wireguard.session.Peer;
import io.microlink.wireguard.session.PeerSpec;
import io.microlink.wireguard.session.TimeSource;
import io.microlink.wireguard.session.UdpEndpoint;
import io.microlink.wireguard.udp.UdpBatchSocket;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/**
 * The device's TUN and timer loops carry on past a packet whose handling throws. The failure is
 * a real bug shape: a peer whose endpoint is not a UDP address, which this device's sender
 * cannot cast, so every handshake towards it throws from inside the engine.
 */
class WireGuardDeviceLoopsTest {
    /** An endpoint a socket-based device cannot send to. */
    private record NotUdp() implements Endpoint {
        @Override
        public byte[] cookieBytes() {
            return new byte[0];
        }

        @Override
        public Object rateLimitKey() {
            return this;
        }
    }

    @Test
    void aPacketWhoseSendThrowsIsDroppedAndCountedAndTheNextStillLeaves() throws Exception {
        Engine engine = new Engine(X25519.generatePrivateKey(), EngineSettings.DEFAULT, TimeSource.system());
        try (DatagramSocket peerSocket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
             LogCapture log = LogCapture.of(WireGuardDevice.class.getName())) {
            peerSocket.setSoTimeout(5000);
            Peer broken = engine.addPeer(new PeerSpec(X25519.publicKey(X25519.generatePrivateKey()), null,
                    new NotUdp(), 0, false));
            engine.allowedIps().insert(InetAddress.getByName("10.0.0.1"), 32, broken);
            Peer good = engine.addPeer(new PeerSpec(X25519.publicKey(X25519.generatePrivateKey()), null,
                    new UdpEndpoint((InetSocketAddress) peerSocket.getLocalSocketAddress()), 0, false));
            engine.allowedIps().insert(InetAddress.getByName("10.0.0.2"), 32, good);
            UdpBatchSocket udp = UdpBatchSocket.open(0, 1 << 20);
            QueueTun tun = new QueueTun();
            try (WireGuardDevice device = WireGuardDevice.run(engine, tun, udp)) {
                for (int i = 0; i < 100; i++) {
                    tun.fromOs.add(ipv4To("10.0.0.1"));
                }
                tun.fromOs.add(ipv4To("10.0.0.2"));

                DatagramPacket got = new DatagramPacket(new byte[2048], 2048);
                peerSocket.receive(got);
                assertThat(got.getLength()).isEqualTo(Protocol.INITIATION_SIZE);
                assertThat(got.getData()[0]).isEqualTo((byte) Protocol.TYPE_INITIATION);
            }
            assertThat(log.warnings()).isNotEmpty().allMatch(w -> w.startsWith("dropped "));
            assertThat(log.warnings()).hasSizeLessThanOrEqualTo(2); // one per loop (TUN, timers) at most
        }
    }

    private static byte[] ipv4To(String destination) throws Exception {
        byte[] p = new byte[28];
        p[0] = 0x45;
        p[3] = 28;
        p[8] = 64;
        p[9] = 17;
        System.arraycopy(InetAddress.getByName("10.0.0.9").getAddress(), 0, p, 12, 4);
        System.arraycopy(InetAddress.getByName(destination).getAddress(), 0, p, 16, 4);
        return p;
    }
}
