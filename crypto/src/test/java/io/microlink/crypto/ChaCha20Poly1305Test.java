package io.microlink.crypto;

import static io.microlink.crypto.GoVectors.bytes;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.stream.Stream;
import javax.crypto.AEADBadTagException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ChaCha20Poly1305Test {
    private static final HexFormat HEX = HexFormat.of();

    // RFC 8439 §2.8.2 AEAD test vector.
    private static final byte[] KEY =
            HEX.parseHex("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f");
    private static final byte[] NONCE = HEX.parseHex("070000004041424344454647");
    private static final byte[] AAD = HEX.parseHex("50515253c0c1c2c3c4c5c6c7");
    private static final byte[] PLAINTEXT = ("Ladies and Gentlemen of the class of '99: If I could "
            + "offer you only one tip for the future, sunscreen would be it.").getBytes(US_ASCII);
    private static final String CIPHERTEXT =
            "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d6"
            + "3dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36"
            + "92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc"
            + "3ff4def08e4b7a9de576d26586cec64b6116";
    private static final String TAG = "1ae10b594f09e26a7e902ecbd0600691";
    private static final String A5_CIPHERTEXT =
            "64a0861575861af460f062c79be643bd5e805cfd345cf389f108670ac76c8cb2"
            + "4c6cfc18755d43eea09ee94e382d26b0bdb7b73c321b0100d4f03b7f355894cf"
            + "332f830e710b97ce98c8a84abd0b948114ad176e008d33bd60f982b1ff37c855"
            + "9797a06ef4f0ef61c186324e2b3506383606907b6a7c02b0f9f6157b53c867e4"
            + "b9166c767b804d46a59b5216cde7a4e99040c5a40433225ee282a1b0a06c523e"
            + "af4534d7f83fa1155b0047718cbc546a0d072b04b3564eea1b422273f548271a"
            + "0bb2316053fa76991955ebd63159434ecebb4e466dae5a1073a6727627097a10"
            + "49e617d91d361094fa68f0ff77987130305beaba2eda04df997b714d6c6f2c29"
            + "a6ad5cb4022b02709b";

    @Test
    void rfc8439Seal() {
        byte[] sealed = new ChaCha20Poly1305(KEY).seal(NONCE, AAD, PLAINTEXT);
        assertThat(HEX.formatHex(sealed)).isEqualTo(CIPHERTEXT + TAG);
    }

    @Test
    void rfc8439Open() throws AEADBadTagException {
        byte[] opened = new ChaCha20Poly1305(KEY).open(NONCE, AAD, HEX.parseHex(CIPHERTEXT + TAG));
        assertThat(opened).isEqualTo(PLAINTEXT);
    }

    // RFC 8439 §A.5: an Internet-Draft's boilerplate, opened from the RFC's ciphertext and tag.
    @Test
    void rfc8439AppendixA5() throws AEADBadTagException {
        byte[] key = HEX.parseHex("1c9240a5eb55d38af333888604f6b5f0473917c1402b80099dca5cbc207075c0");
        byte[] nonce = HEX.parseHex("000000000102030405060708");
        byte[] aad = HEX.parseHex("f33388860000000000004e91");
        byte[] sealed = HEX.parseHex(A5_CIPHERTEXT + "eead9d67890cbb22392336fea1851f38");
        byte[] opened = new ChaCha20Poly1305(key).open(nonce, aad, sealed);
        assertThat(new String(opened, UTF_8)).startsWith("Internet-Drafts are draft documents")
                .endsWith("/\u201cwork in progress./\u201d");
        assertThat(new ChaCha20Poly1305(key).seal(nonce, aad, opened)).isEqualTo(sealed);
    }

    @Test
    void rfc8439WithOneFlippedBitFailsAnywhere() {
        ChaCha20Poly1305 aead = new ChaCha20Poly1305(KEY);
        byte[] sealed = HEX.parseHex(CIPHERTEXT + TAG);
        for (int i : new int[] {0, 57, sealed.length - 16, sealed.length - 1}) {
            byte[] tampered = sealed.clone();
            tampered[i] ^= 0x01;
            assertThatThrownBy(() -> aead.open(NONCE, AAD, tampered))
                    .isInstanceOf(AEADBadTagException.class);
        }
        byte[] otherAad = AAD.clone();
        otherAad[0] ^= (byte) 0x80;
        assertThatThrownBy(() -> aead.open(NONCE, otherAad, sealed))
                .isInstanceOf(AEADBadTagException.class);
        assertThatThrownBy(() -> aead.open(NONCE, null, sealed))
                .isInstanceOf(AEADBadTagException.class);
    }

    @Test
    void failedOpenWritesNothing() {
        byte[] buf = HEX.parseHex(CIPHERTEXT + TAG);
        buf[3] ^= 0x01;
        byte[] before = buf.clone();
        byte[] out = new byte[buf.length];
        ChaCha20Poly1305 aead = new ChaCha20Poly1305(KEY);
        assertThatThrownBy(() -> aead.open(NONCE, AAD, buf, 0, buf.length, out, 0))
                .isInstanceOf(AEADBadTagException.class);
        assertThatThrownBy(() -> aead.open(NONCE, AAD, buf, 0, buf.length, buf, 0))
                .isInstanceOf(AEADBadTagException.class);
        assertThat(out).containsOnly(0);
        assertThat(buf).isEqualTo(before);
    }

    @Test
    void inPlaceSealAndOpenAtAnOffset() throws AEADBadTagException {
        int offset = 7;
        byte[] buf = new byte[offset + PLAINTEXT.length + 16 + 5];
        System.arraycopy(PLAINTEXT, 0, buf, offset, PLAINTEXT.length);

        int sealedLength = new ChaCha20Poly1305(KEY)
                .seal(NONCE, AAD, buf, offset, PLAINTEXT.length, buf, offset);
        assertThat(sealedLength).isEqualTo(PLAINTEXT.length + 16);
        assertThat(HEX.formatHex(buf, offset, offset + sealedLength)).isEqualTo(CIPHERTEXT + TAG);

        int openedLength = new ChaCha20Poly1305(KEY)
                .open(NONCE, AAD, buf, offset, sealedLength, buf, offset);
        assertThat(openedLength).isEqualTo(PLAINTEXT.length);
        assertThat(Arrays.copyOfRange(buf, offset, offset + openedLength)).isEqualTo(PLAINTEXT);
    }

    @Test
    void shorterThanTagIsBadTag() {
        ChaCha20Poly1305 aead = new ChaCha20Poly1305(KEY);
        assertThatThrownBy(() -> aead.open(NONCE, null, new byte[15]))
                .isInstanceOf(AEADBadTagException.class)
                .hasMessageContaining("shorter than the 16-byte tag");
    }

    // No per-initialisation key and nonce comparison (the JDK's ENCRYPT_MODE guard) on the
    // per-packet path: nonce uniqueness is the protocol's counter's, so sealing is a pure function.
    @Test
    void sealingIsAFunctionOfKeyNonceAadAndPlaintextWithoutAJdkReuseGuard() throws Exception {
        ChaCha20Poly1305 aead = new ChaCha20Poly1305(KEY);
        byte[] first = aead.seal(NONCE, AAD, PLAINTEXT);
        assertThat(aead.seal(NONCE, AAD, PLAINTEXT)).isEqualTo(first);
        assertThat(aead.open(NONCE, AAD, first)).isEqualTo(PLAINTEXT);
        assertThat(aead.seal(NONCE, AAD, PLAINTEXT)).isEqualTo(first);
    }

    @Test
    void outputTooSmallIsRejectedBeforeWork() {
        ChaCha20Poly1305 aead = new ChaCha20Poly1305(KEY);
        assertThatThrownBy(() -> aead.seal(NONCE, null, new byte[10], 0, 10, new byte[25], 0))
                .isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessageContaining("ciphertext output");
    }

    @Test
    void wrongKeyAndNonceLengthsAreNamed() {
        assertThatThrownBy(() -> new ChaCha20Poly1305(new byte[16]))
                .hasMessage("ChaCha20-Poly1305 key must be 32 bytes, got 16");
        assertThatThrownBy(() -> new ChaCha20Poly1305(KEY).seal(new byte[8], null, new byte[1]))
                .hasMessage("ChaCha20-Poly1305 nonce must be 12 bytes, got 8");
    }

    @Test
    void toStringHidesTheKey() {
        assertThat(new ChaCha20Poly1305(KEY).toString())
                .doesNotContain(HEX.formatHex(KEY)).doesNotContain("8081");
    }

    static Stream<JsonNode> goVectors() {
        return GoVectors.section("chacha20poly1305");
    }

    @ParameterizedTest(name = "[{index}]")
    @MethodSource("goVectors")
    void matchesGo(JsonNode v) throws AEADBadTagException {
        byte[] aad = bytes(v, "aad");
        byte[] expected = bytes(v, "ciphertext");
        ChaCha20Poly1305 aead = new ChaCha20Poly1305(bytes(v, "key"));
        assertThat(aead.seal(bytes(v, "nonce"), aad, bytes(v, "plaintext"))).isEqualTo(expected);
        assertThat(aead.open(bytes(v, "nonce"), aad, expected)).isEqualTo(bytes(v, "plaintext"));
    }
}
