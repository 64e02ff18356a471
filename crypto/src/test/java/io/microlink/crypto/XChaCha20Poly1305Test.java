package io.microlink.crypto;

import static io.microlink.crypto.GoVectors.bytes;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HexFormat;
import java.util.stream.Stream;
import javax.crypto.AEADBadTagException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class XChaCha20Poly1305Test {
    private static final HexFormat HEX = HexFormat.of();

    // draft-irtf-cfrg-xchacha-03 §A.3.1 (also in golang.org/x/crypto chacha20poly1305_vectors_test.go).
    private static final byte[] KEY =
            HEX.parseHex("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f");
    private static final byte[] NONCE =
            HEX.parseHex("404142434445464748494a4b4c4d4e4f5051525354555657");
    private static final byte[] AAD = HEX.parseHex("50515253c0c1c2c3c4c5c6c7");
    private static final byte[] PLAINTEXT = ("Ladies and Gentlemen of the class of '99: If I could "
            + "offer you only one tip for the future, sunscreen would be it.").getBytes(US_ASCII);
    private static final String SEALED =
            "bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb"
            + "731c7f1b0b4aa6440bf3a82f4eda7e39ae64c6708c54c216cb96b72e1213b452"
            + "2f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f76b2383565d3fff9"
            + "21f9664c97637da9768812f615c68b13b52e"
            + "c0875924c1c7987947deafd8780acf49";

    @Test
    void draftA31Seal() {
        assertThat(HEX.formatHex(XChaCha20Poly1305.seal(KEY, NONCE, AAD, PLAINTEXT)))
                .isEqualTo(SEALED);
    }

    @Test
    void draftA31Open() throws AEADBadTagException {
        assertThat(XChaCha20Poly1305.open(KEY, NONCE, AAD, HEX.parseHex(SEALED)))
                .isEqualTo(PLAINTEXT);
    }

    @Test
    void tamperingIsDetected() {
        byte[] sealed = HEX.parseHex(SEALED);
        sealed[sealed.length - 1] ^= 0x01;
        assertThatThrownBy(() -> XChaCha20Poly1305.open(KEY, NONCE, AAD, sealed))
                .isInstanceOf(AEADBadTagException.class);
        byte[] otherNonce = NONCE.clone();
        otherNonce[20] ^= 0x01;
        assertThatThrownBy(() -> XChaCha20Poly1305.open(KEY, otherNonce, AAD, HEX.parseHex(SEALED)))
                .isInstanceOf(AEADBadTagException.class);
    }

    @Test
    void wrongNonceLengthIsNamed() {
        assertThatThrownBy(() -> XChaCha20Poly1305.seal(KEY, new byte[12], null, PLAINTEXT))
                .hasMessage("XChaCha20-Poly1305 nonce must be 24 bytes, got 12");
    }

    static Stream<JsonNode> goVectors() {
        return GoVectors.section("xchacha20poly1305");
    }

    @ParameterizedTest(name = "[{index}]")
    @MethodSource("goVectors")
    void matchesGo(JsonNode v) throws AEADBadTagException {
        byte[] key = bytes(v, "key");
        byte[] nonce = bytes(v, "nonce");
        byte[] aad = bytes(v, "aad");
        assertThat(XChaCha20Poly1305.seal(key, nonce, aad, bytes(v, "plaintext")))
                .isEqualTo(bytes(v, "ciphertext"));
        assertThat(XChaCha20Poly1305.open(key, nonce, aad, bytes(v, "ciphertext")))
                .isEqualTo(bytes(v, "plaintext"));
    }
}
