package io.microlink.disco;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.microlink.crypto.CryptoException;
import io.microlink.key.KeyKind;
import io.microlink.key.PrivateKey;
import io.microlink.key.PublicKey;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

class DiscoFuzzTest {
    private static final PrivateKey OURS = PrivateKey.generate(KeyKind.DISCO);
    private static final PrivateKey THEIRS = PrivateKey.generate(KeyKind.DISCO);

    /** Decrypted plaintext of any shape decodes or fails with DiscoException, nothing else. */
    @FuzzTest
    void decode(byte[] plaintext) {
        try {
            DiscoMessage m = DiscoMessage.decode(plaintext);
            switch (m) {
                case DiscoMessage.Ping p -> assertThat(p.txId()).hasSize(DiscoMessage.TX_ID_LENGTH);
                case DiscoMessage.Pong p -> assertThat(p.source()).isNotNull();
                case DiscoMessage.CallMeMaybe c -> assertThat(c.endpoints()).hasSize((plaintext.length - 2) / 18);
            }
        } catch (DiscoException expected) {
            // the one declared failure
        }
    }

    /** Any UDP payload addressed to our disco key is refused with DiscoException unless it opens. */
    @FuzzTest
    void open(byte[] packet) {
        try {
            DiscoPacket.open(OURS, packet);
        } catch (DiscoException expected) {
            // the one declared failure
        }
    }

    /** decode(open(seal(m))) gives back m, for messages built from the fuzzer's data. */
    @FuzzTest
    void roundTrip(FuzzedDataProvider data) throws CryptoException, DiscoException {
        DiscoMessage m = switch (data.consumeInt(0, 2)) {
            case 0 -> new DiscoMessage.Ping(txId(data),
                    PublicKey.of(KeyKind.NODE, padded(data.consumeBytes(32), 32)), data.consumeInt(0, 1200));
            case 1 -> new DiscoMessage.Pong(txId(data), endpoint(data));
            default -> {
                List<InetSocketAddress> eps = new ArrayList<>();
                for (int i = data.consumeInt(0, 8); i > 0; i--) {
                    eps.add(endpoint(data));
                }
                yield new DiscoMessage.CallMeMaybe(eps);
            }
        };
        byte[] packet = DiscoPacket.seal(THEIRS, OURS.publicKey(), m);
        DiscoPacket.Opened opened = DiscoPacket.open(OURS, packet);
        assertThat(opened.sender()).isEqualTo(THEIRS.publicKey());
        assertThat(opened.message().encode()).isEqualTo(m.encode());
        assertThat(opened.message().getClass()).isEqualTo(m.getClass());
    }

    private static byte[] txId(FuzzedDataProvider data) {
        return padded(data.consumeBytes(DiscoMessage.TX_ID_LENGTH), DiscoMessage.TX_ID_LENGTH);
    }

    private static byte[] padded(byte[] b, int length) {
        return b.length == length ? b : java.util.Arrays.copyOf(b, length);
    }

    private static InetSocketAddress endpoint(FuzzedDataProvider data) {
        int length = data.consumeBoolean() ? 4 : 16;
        try {
            return new InetSocketAddress(InetAddress.getByAddress(padded(data.consumeBytes(length), length)),
                    data.consumeInt(0, 65535));
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
