package io.microlink.disco;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.microlink.key.KeyKind;
import io.microlink.key.PrivateKey;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Layout facts from tailscale's disco package (protocol-facts §5): sizes and field order. */
class DiscoPacketTest {
    private final PrivateKey alice = PrivateKey.generate(KeyKind.DISCO);
    private final PrivateKey bob = PrivateKey.generate(KeyKind.DISCO);
    private final byte[] txId = "0123456789ab".getBytes();

    @Test
    void aPingIs124BytesAndAPong110AsTailscaleSends() throws Exception {
        var ping = new DiscoMessage.Ping(txId, PrivateKey.generate(KeyKind.NODE).publicKey(), 0);
        var pong = new DiscoMessage.Pong(txId, new InetSocketAddress("127.3.3.40", 999));
        assertThat(DiscoPacket.seal(alice, bob.publicKey(), ping)).hasSize(124);
        assertThat(DiscoPacket.seal(alice, bob.publicKey(), pong)).hasSize(110);
        assertThat(pong.encode()).startsWith(2, 0).contains(0xFF - 256, 0xFF - 256, 127, 3, 3, 40, 0x03, 0xE7 - 256);
    }

    @Test
    void everyMessageRoundTripsToTheReceiver() throws Exception {
        var node = PrivateKey.generate(KeyKind.NODE).publicKey();
        var cmm = new DiscoMessage.CallMeMaybe(List.of(new InetSocketAddress("192.0.2.7", 41641),
                new InetSocketAddress("2001:db8::1", 41642)));
        byte[] wire = DiscoPacket.seal(alice, bob.publicKey(), cmm);
        assertThat(DiscoPacket.looksLikeDisco(wire)).isTrue();
        DiscoPacket.Opened in = DiscoPacket.open(bob, wire);
        assertThat(in.sender()).isEqualTo(alice.publicKey());
        assertThat(((DiscoMessage.CallMeMaybe) in.message()).endpoints()).isEqualTo(cmm.endpoints());

        DiscoMessage.Ping ping = (DiscoMessage.Ping) DiscoPacket.open(bob,
                DiscoPacket.seal(alice, bob.publicKey(), new DiscoMessage.Ping(txId, node, 100))).message();
        assertThat(ping.txId()).isEqualTo(txId);
        assertThat(ping.nodeKey()).isEqualTo(node);
        assertThat(ping.padding()).isEqualTo(100);
    }

    @Test
    void packetsNotForUsOrTamperedOrUnknownAreRefused() throws Exception {
        byte[] wire = DiscoPacket.seal(alice, bob.publicKey(), new DiscoMessage.Pong(txId,
                new InetSocketAddress("127.0.0.1", 1)));
        assertThatThrownBy(() -> DiscoPacket.open(PrivateKey.generate(KeyKind.DISCO), wire))
                .isInstanceOf(DiscoException.class);
        wire[wire.length - 1] ^= 1;
        assertThatThrownBy(() -> DiscoPacket.open(bob, wire)).isInstanceOf(DiscoException.class);
        assertThat(DiscoPacket.looksLikeDisco(new byte[] {1, 0, 0, 0})).isFalse();
        assertThatThrownBy(() -> DiscoMessage.decode(new byte[] {0x42, 0})).isInstanceOf(DiscoException.class);
        assertThatThrownBy(() -> DiscoMessage.decode(new byte[] {1, 1, 0})).hasMessageContaining("version");
        assertThatThrownBy(() -> DiscoMessage.decode(new byte[] {1, 0, 1, 2})).hasMessageContaining("ping");
    }
}
