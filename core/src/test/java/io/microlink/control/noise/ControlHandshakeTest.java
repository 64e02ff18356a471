package io.microlink.control.noise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.microlink.crypto.X25519;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/**
 * Framing and error handling of the ts2021 initiator. That the cryptography matches the
 * real server is proven against headscale (ControlClientInteropTest); the responder below
 * only checks that both directions split the way the protocol says.
 */
class ControlHandshakeTest {
    private final byte[] machine = X25519.generatePrivateKey();
    private final byte[] server = X25519.generatePrivateKey();
    private final byte[] ephemeral = X25519.generatePrivateKey();

    @Test
    void theInitiationHasTheTs2021Layout() throws Exception {
        ControlHandshake hs = new ControlHandshake(113, machine, X25519.publicKey(server), ephemeral);
        byte[] init = hs.initiation();
        assertThat(init).hasSize(101);
        assertThat(ByteBuffer.wrap(init, 0, 2).getShort()).isEqualTo((short) 113);
        assertThat(init[2]).isEqualTo((byte) 1);
        assertThat(ByteBuffer.wrap(init, 3, 2).getShort()).isEqualTo((short) 96);
        assertThat(Arrays.copyOfRange(init, 5, 37)).isEqualTo(X25519.publicKey(ephemeral));
        assertThat(hs.initiationHeader()).hasSize(136);
        assertThat(Base64.getDecoder().decode(hs.initiationHeader())).isEqualTo(init);
    }

    @Test
    void aResponderWithTheServerKeyGetsTheMachineKeyAndMatchingTransportKeys() throws Exception {
        ControlHandshake hs = new ControlHandshake(113, machine, X25519.publicKey(server), ephemeral);
        byte[] init = hs.initiation();

        // Responder side of Noise IK, following the same steps from the other end.
        SymmetricState s = new SymmetricState();
        s.mixHash("Tailscale Control Protocol v113".getBytes(StandardCharsets.US_ASCII));
        s.mixHash(X25519.publicKey(server));
        byte[] e = Arrays.copyOfRange(init, 5, 37);
        s.mixHash(e);
        s.mixKey(X25519.sharedSecret(server, e));
        byte[] machinePublic = s.decryptAndHash(Arrays.copyOfRange(init, 37, 85));
        assertThat(machinePublic).isEqualTo(X25519.publicKey(machine));
        s.mixKey(X25519.sharedSecret(server, machinePublic));
        s.decryptAndHash(Arrays.copyOfRange(init, 85, 101));
        byte[] re = X25519.generatePrivateKey();
        s.mixHash(X25519.publicKey(re));
        s.mixKey(X25519.sharedSecret(re, e));
        s.mixKey(X25519.sharedSecret(re, machinePublic));
        byte[] tag = s.encryptAndHash(new byte[0]);
        byte[] response = ByteBuffer.allocate(51).put((byte) 2).putShort((short) 48).put(X25519.publicKey(re)).put(tag)
                .array();
        byte[][] keys = s.split();

        NoiseTransport client = hs.finish(response);
        NoiseTransport serverSide = new NoiseTransport(keys[1], keys[0], s.handshakeHash());
        byte[] record = client.seal("ping".getBytes(), 0, 4);
        assertThat(serverSide.open(Arrays.copyOfRange(record, 3, record.length))).isEqualTo("ping".getBytes());
        assertThat(client.handshakeHash()).isEqualTo(s.handshakeHash());
    }

    @Test
    void aServerErrorMessageIsReportedWithItsText() throws Exception {
        ControlHandshake hs = new ControlHandshake(113, machine, X25519.publicKey(server));
        byte[] text = "unsupported client version".getBytes(StandardCharsets.UTF_8);
        byte[] msg = ByteBuffer.allocate(3 + text.length).put((byte) 3).putShort((short) text.length).put(text).array();
        assertThatThrownBy(() -> hs.finish(msg)).isInstanceOf(ControlProtocolException.class)
                .hasMessageContaining("unsupported client version");
    }

    @Test
    void malformedOrForgedResponsesAreRejected() throws Exception {
        assertThatThrownBy(() -> new ControlHandshake(113, machine, X25519.publicKey(server)).finish(new byte[50]))
                .isInstanceOf(ControlProtocolException.class).hasMessageContaining("malformed");
        byte[] forged = ByteBuffer.allocate(51).put((byte) 2).putShort((short) 48)
                .put(X25519.publicKey(X25519.generatePrivateKey())).put(new byte[16]).array();
        assertThatThrownBy(() -> new ControlHandshake(113, machine, X25519.publicKey(server)).finish(forged))
                .isInstanceOf(ControlProtocolException.class).hasMessageContaining("wrong server key");
    }
}
