package io.microlink.control.noise;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.microlink.crypto.CryptoException;
import io.microlink.crypto.X25519;
import java.util.Arrays;

class NoiseFuzzTest {
    private static final byte[] SERVER_PUBLIC = X25519.publicKey(X25519.generatePrivateKey());
    private static final byte[] MACHINE = X25519.generatePrivateKey();
    private static final byte[] KEY_A = new byte[32];
    private static final byte[] KEY_B = new byte[32];

    static {
        KEY_B[0] = 1;
    }

    /** Any handshake response (or error message) from the server fails with ControlProtocolException. */
    @FuzzTest
    void handshakeResponse(byte[] response) throws CryptoException {
        ControlHandshake hs = new ControlHandshake(131, MACHINE, SERVER_PUBLIC);
        try {
            hs.finish(response);
            throw new AssertionError("a response not made with the server's key authenticated");
        } catch (ControlProtocolException expected) {
            // forged: the server's private key is not the fuzzer's to know
        }
    }

    /**
     * A record header announces 16..4093 ciphertext bytes or fails with ControlProtocolException;
     * a forged record never opens; an early-payload prefix announces at most its limit.
     */
    @FuzzTest
    void recordsAndEarlyPayload(byte[] bytes) {
        if (bytes.length >= NoiseTransport.HEADER_LENGTH) {
            try {
                int len = NoiseTransport.ciphertextLength(bytes);
                assertThat(len).isBetween(16, NoiseTransport.MAX_RECORD - NoiseTransport.HEADER_LENGTH);
                byte[] ciphertext = Arrays.copyOfRange(bytes, NoiseTransport.HEADER_LENGTH, bytes.length);
                new NoiseTransport(KEY_A, KEY_B, new byte[32]).open(ciphertext);
                throw new AssertionError("a forged record opened");
            } catch (ControlProtocolException expected) {
                // the one declared failure
            }
        }
        if (EarlyPayload.isEarlyPayload(bytes)) {
            try {
                assertThat(EarlyPayload.jsonLength(bytes)).isBetween(0, EarlyPayload.MAX_JSON);
            } catch (ControlProtocolException expected) {
                // the one declared failure
            }
        }
    }

    /** open(seal(x)) == x record after record, and the header announces the ciphertext's length. */
    @FuzzTest
    void transportRoundTrip(FuzzedDataProvider data) throws ControlProtocolException {
        NoiseTransport client = new NoiseTransport(KEY_A, KEY_B, new byte[32]);
        NoiseTransport server = new NoiseTransport(KEY_B, KEY_A, new byte[32]);
        for (int i = data.consumeInt(1, 4); i > 0; i--) {
            byte[] plain = data.consumeBytes(data.consumeInt(0, NoiseTransport.MAX_PLAINTEXT));
            byte[] record = client.seal(plain, 0, plain.length);
            int len = NoiseTransport.ciphertextLength(record);
            assertThat(len).isEqualTo(record.length - NoiseTransport.HEADER_LENGTH);
            assertThat(server.open(Arrays.copyOfRange(record, NoiseTransport.HEADER_LENGTH, record.length)))
                    .isEqualTo(plain);
        }
    }
}
