package io.microlink.crypto;

import static io.microlink.crypto.GoVectors.bytes;
import static io.microlink.crypto.GoVectors.parts;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class Blake2sTest {
    private static final HexFormat HEX = HexFormat.of();

    // RFC 7693 Appendix B.
    @Test
    void rfc7693AppendixB() {
        assertThat(HEX.formatHex(Blake2s.hash("abc".getBytes(US_ASCII))))
                .isEqualTo("508c5e8c327c14e2e1a72ba34eeb452f37458b209ed63a294d999b4c86675982");
        assertThat(HEX.formatHex(Blake2s.hash("a".getBytes(US_ASCII), "bc".getBytes(US_ASCII))))
                .isEqualTo("508c5e8c327c14e2e1a72ba34eeb452f37458b209ed63a294d999b4c86675982");
    }

    // BLAKE2 reference KAT for BLAKE2s-128 keyed with 00..1f over the input 00..(n-1), as
    // copied in golang.org/x/crypto blake2s/blake2s_test.go (hashes128).
    @ParameterizedTest
    @CsvSource({
        "0, 9536f9b267655743dee97b8a670f9f53",
        "1, 13bacfb85b48a1223c595f8c1e7e82cb",
        "64, f1efa90d2547036841ecd3627fafbc36",
        "255, cd075928ab7e6883e697fe7fd3ac43ee",
    })
    void referenceKatMac128(int length, String expected) {
        byte[] key = new byte[32];
        byte[] input = new byte[length];
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) i;
        }
        for (int i = 0; i < input.length; i++) {
            input[i] = (byte) i;
        }
        assertThat(HEX.formatHex(Blake2s.mac128(key, input))).isEqualTo(expected);
    }

    @Test
    void mac128KeyLengthIsChecked() {
        assertThatThrownBy(() -> Blake2s.mac128(new byte[0]))
                .hasMessage("BLAKE2s MAC key must be 1 to 32 bytes, got 0");
        assertThatThrownBy(() -> Blake2s.mac128(new byte[33]))
                .hasMessage("BLAKE2s MAC key must be 1 to 32 bytes, got 33");
    }

    static Stream<JsonNode> hashVectors() {
        return GoVectors.section("blake2s256");
    }

    static Stream<JsonNode> mac128Vectors() {
        return GoVectors.section("blake2sMac128");
    }

    static Stream<JsonNode> hmacVectors() {
        return GoVectors.section("hmacBlake2s");
    }

    @ParameterizedTest(name = "[{index}]")
    @MethodSource("hashVectors")
    void hashMatchesGo(JsonNode v) {
        assertThat(Blake2s.hash(parts(v))).isEqualTo(bytes(v, "digest"));
    }

    @ParameterizedTest(name = "[{index}]")
    @MethodSource("mac128Vectors")
    void mac128MatchesGo(JsonNode v) {
        assertThat(Blake2s.mac128(bytes(v, "key"), parts(v))).isEqualTo(bytes(v, "digest"));
    }

    @ParameterizedTest(name = "[{index}]")
    @MethodSource("hmacVectors")
    void hmacMatchesGo(JsonNode v) {
        assertThat(Blake2s.hmac(bytes(v, "key"), parts(v))).isEqualTo(bytes(v, "digest"));
    }
}
