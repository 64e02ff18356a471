package io.microlink.control.noise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.microlink.crypto.ChaCha20Poly1305;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class NoiseTransportTest {
    private static final byte[] K1 = filled(1), K2 = filled(2);

    private static byte[] filled(int v) {
        byte[] b = new byte[32];
        Arrays.fill(b, (byte) v);
        return b;
    }

    @Test
    void recordsCarryTypeLengthAndDecryptOnTheOtherSide() throws Exception {
        NoiseTransport client = new NoiseTransport(K1, K2, new byte[32]);
        NoiseTransport server = new NoiseTransport(K2, K1, new byte[32]);
        byte[] record = client.seal("hello".getBytes(), 0, 5);
        assertThat(record[0]).isEqualTo((byte) 4);
        assertThat(NoiseTransport.ciphertextLength(Arrays.copyOf(record, 3))).isEqualTo(5 + 16);
        assertThat(server.open(Arrays.copyOfRange(record, 3, record.length))).isEqualTo("hello".getBytes());
    }

    @Test
    void theNonceCounterIsBigEndianUnlikeWireGuard() throws Exception {
        NoiseTransport client = new NoiseTransport(K1, K2, new byte[32]);
        client.seal(new byte[1], 0, 1);
        byte[] second = client.seal(new byte[] {42}, 0, 1);
        byte[] bigEndianOne = new byte[12];
        bigEndianOne[11] = 1;
        byte[] plain = new ChaCha20Poly1305(K1).open(bigEndianOne, null, Arrays.copyOfRange(second, 3, second.length));
        assertThat(plain).containsExactly(42);
    }

    @Test
    void recordSizesAreBounded() {
        NoiseTransport t = new NoiseTransport(K1, K2, new byte[32]);
        assertThat(NoiseTransport.MAX_PLAINTEXT).isEqualTo(4077);
        assertThat(t.seal(new byte[4077], 0, 4077)).hasSize(4096);
        assertThatThrownBy(() -> t.seal(new byte[4078], 0, 4078)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NoiseTransport.ciphertextLength(new byte[] {4, 0x0F, (byte) 0xFE}))
                .isInstanceOf(ControlProtocolException.class).hasMessageContaining("out of range");
        assertThatThrownBy(() -> NoiseTransport.ciphertextLength(new byte[] {2, 0, 48}))
                .isInstanceOf(ControlProtocolException.class).hasMessageContaining("type 2");
    }

    @Test
    void aTamperedRecordEndsTheConnection() {
        NoiseTransport client = new NoiseTransport(K1, K2, new byte[32]);
        NoiseTransport server = new NoiseTransport(K2, K1, new byte[32]);
        byte[] record = client.seal("x".getBytes(), 0, 1);
        record[3] ^= 1;
        assertThatThrownBy(() -> server.open(Arrays.copyOfRange(record, 3, record.length)))
                .isInstanceOf(ControlProtocolException.class);
    }
}
