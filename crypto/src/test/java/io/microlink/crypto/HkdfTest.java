package io.microlink.crypto;

import static io.microlink.crypto.GoVectors.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HexFormat;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class HkdfTest {
    static Stream<JsonNode> goVectors() {
        return GoVectors.section("noiseHkdf");
    }

    // The generator mirrors wireguard-go's KDF1/KDF2/KDF3 with x/crypto blake2s and crypto/hmac.
    @ParameterizedTest(name = "[{index}]")
    @MethodSource("goVectors")
    void matchesGo(JsonNode v) {
        byte[][] expected = StreamSupport.stream(v.get("outputs").spliterator(), false)
                .map(o -> HexFormat.of().parseHex(o.asText()))
                .toArray(byte[][]::new);
        byte[][] out = Hkdf.derive(bytes(v, "chainingKey"), bytes(v, "input"), expected.length);
        assertThat(out).isDeepEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 4, -1})
    void outputCountIsChecked(int outputs) {
        assertThatThrownBy(() -> Hkdf.derive(new byte[32], new byte[0], outputs))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1 to 3");
    }
}
