package io.microlink.crypto;

import static io.microlink.crypto.GoVectors.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class X25519Test {
    private static final HexFormat HEX = HexFormat.of();

    private static byte[] hex(String s) {
        return HEX.parseHex(s);
    }

    // RFC 7748 §5.2, first single-iteration vector (scalar, u, output).
    @Test
    void rfc7748Section52FirstVector() throws CryptoException {
        byte[] out = X25519.sharedSecret(
                hex("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4"),
                hex("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c"));
        assertThat(HEX.formatHex(out))
                .isEqualTo("c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552");
    }

    // RFC 7748 §5.2, second single-iteration vector; its u has the top bit set, which must be masked.
    @Test
    void rfc7748Section52SecondVector() throws CryptoException {
        byte[] out = X25519.sharedSecret(
                hex("4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d"),
                hex("e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493"));
        assertThat(HEX.formatHex(out))
                .isEqualTo("95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957");
    }

    // RFC 7748 §5.2 iterated test: k = u = 9; repeat k, u = X25519(k, u), k.
    @Test
    void rfc7748Section52Iterations() throws CryptoException {
        byte[] k = new byte[32];
        k[0] = 9;
        byte[] u = k.clone();
        String afterOne = null;
        for (int i = 1; i <= 1000; i++) {
            byte[] next = X25519.sharedSecret(k, u);
            u = k;
            k = next;
            if (i == 1) {
                afterOne = HEX.formatHex(k);
            }
        }
        assertThat(afterOne)
                .isEqualTo("422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079");
        assertThat(HEX.formatHex(k))
                .isEqualTo("684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51");
    }

    // RFC 7748 §6.1 Diffie-Hellman example.
    @Test
    void rfc7748Section61() throws CryptoException {
        byte[] alicePrivate = hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
        byte[] bobPrivate = hex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
        byte[] alicePublic = X25519.publicKey(alicePrivate);
        byte[] bobPublic = X25519.publicKey(bobPrivate);
        assertThat(HEX.formatHex(alicePublic))
                .isEqualTo("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
        assertThat(HEX.formatHex(bobPublic))
                .isEqualTo("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
        String shared = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";
        assertThat(HEX.formatHex(X25519.sharedSecret(alicePrivate, bobPublic))).isEqualTo(shared);
        assertThat(HEX.formatHex(X25519.sharedSecret(bobPrivate, alicePublic))).isEqualTo(shared);
    }

    static Stream<JsonNode> goVectors() {
        return GoVectors.section("x25519");
    }

    @ParameterizedTest(name = "[{index}]")
    @MethodSource("goVectors")
    void matchesGo(JsonNode v) throws CryptoException {
        assertThat(X25519.publicKey(bytes(v, "private"))).isEqualTo(bytes(v, "public"));
        assertThat(X25519.sharedSecret(bytes(v, "private"), bytes(v, "peerPublic")))
                .isEqualTo(bytes(v, "shared"));
    }

    // RFC 7748 §5: non-canonical u (here p + 9) is processed as if reduced modulo p.
    @Test
    void nonCanonicalUIsReduced() throws CryptoException {
        byte[] scalar = hex("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4");
        byte[] pPlus9 = hex("f6ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");
        assertThat(X25519.sharedSecret(scalar, pPlus9)).isEqualTo(X25519.publicKey(scalar));
    }

    // Low-order points: 0, 1, a point of order 8, and p-1, p, p+1 (the list libsodium rejects).
    @ParameterizedTest
    @ValueSource(strings = {
        "0000000000000000000000000000000000000000000000000000000000000000",
        "0100000000000000000000000000000000000000000000000000000000000000",
        "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    })
    void lowOrderPointIsRefused(String u) {
        byte[] privateKey = X25519.generatePrivateKey();
        assertThatThrownBy(() -> X25519.sharedSecret(privateKey, hex(u)))
                .isInstanceOf(CryptoException.class)
                .hasMessageContaining("low-order");
    }

    @Test
    void generatedKeysAreClampedAndDistinct() {
        byte[] a = X25519.generatePrivateKey();
        byte[] b = X25519.generatePrivateKey();
        for (byte[] k : new byte[][] {a, b}) {
            assertThat(k).hasSize(32);
            assertThat(k[0] & 7).isZero();
            assertThat(k[31] & 0xc0).isEqualTo(0x40);
        }
        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void wrongLengthsAreNamed() {
        assertThatThrownBy(() -> X25519.publicKey(new byte[31]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("X25519 private key must be 32 bytes, got 31");
        assertThatThrownBy(() -> X25519.sharedSecret(new byte[32], new byte[33]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("X25519 public key must be 32 bytes, got 33");
    }
}
