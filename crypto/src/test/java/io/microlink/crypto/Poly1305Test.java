package io.microlink.crypto;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** RFC 8439's Poly1305 vectors: §2.5.2 and all eleven of Appendix A.3. */
class Poly1305Test {
    private static final HexFormat HEX = HexFormat.of();
    private static final String ZERO32 = "00".repeat(32);
    private static final String IETF = "Any submission to the IETF intended by the Contributor for "
            + "publication as all or part of an IETF Internet-Draft or RFC and any statement made "
            + "within the context of an IETF activity is considered an \"IETF Contribution\". Such "
            + "statements include oral statements in IETF sessions, as well as written and "
            + "electronic communications made at any time or place, which are addressed to";
    private static final String JABBERWOCKY =
            "2754776173206272696c6c69672c20616e642074686520736c6974687920746f"
            + "7665730a446964206779726520616e642067696d626c6520696e207468652077"
            + "6162653a0a416c6c206d696d737920776572652074686520626f726f676f7665"
            + "732c0a416e6420746865206d6f6d65207261746873206f757467726162652e";
    private static final String R2 = "02" + "00".repeat(31);
    private static final String R1 = "01" + "00".repeat(31);
    private static final String KEY_10_11 = "0100000000000000040000000000000000000000000000000000000000000000";

    static Stream<Arguments> vectors() {
        return Stream.of(
                Arguments.of("2.5.2",
                        "85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b",
                        HEX.formatHex("Cryptographic Forum Research Group".getBytes(US_ASCII)),
                        "a8061dc1305136c6c22b8baf0c0127a9"),
                Arguments.of("A.3 #1", ZERO32, "00".repeat(64), "00".repeat(16)),
                Arguments.of("A.3 #2", "00".repeat(16) + "36e5f6b5c5e06070f0efca96227a863e",
                        HEX.formatHex(IETF.getBytes(US_ASCII)), "36e5f6b5c5e06070f0efca96227a863e"),
                Arguments.of("A.3 #3", "36e5f6b5c5e06070f0efca96227a863e" + "00".repeat(16),
                        HEX.formatHex(IETF.getBytes(US_ASCII)), "f3477e7cd95417af89a6b8794c310cf0"),
                Arguments.of("A.3 #4",
                        "1c9240a5eb55d38af333888604f6b5f0473917c1402b80099dca5cbc207075c0",
                        JABBERWOCKY, "4541669a7eaaee61e708dc7cbcc5eb62"),
                Arguments.of("A.3 #5", R2, "ff".repeat(16), "03" + "00".repeat(15)),
                Arguments.of("A.3 #6", "02" + "00".repeat(15) + "ff".repeat(16),
                        "02" + "00".repeat(15), "03" + "00".repeat(15)),
                Arguments.of("A.3 #7", R1, "ff".repeat(16) + "f0" + "ff".repeat(15)
                        + "11" + "00".repeat(15), "05" + "00".repeat(15)),
                Arguments.of("A.3 #8", R1, "ff".repeat(16) + "fb" + "fe".repeat(15)
                        + "01".repeat(16), "00".repeat(16)),
                Arguments.of("A.3 #9", R2, "fd" + "ff".repeat(15), "fa" + "ff".repeat(15)),
                Arguments.of("A.3 #10", KEY_10_11, "e33594d7505e43b90000000000000000"
                        + "3394d7505e4379cd0100000000000000" + "00".repeat(16)
                        + "01" + "00".repeat(15), "14000000000000005500000000000000"),
                Arguments.of("A.3 #11", KEY_10_11, "e33594d7505e43b90000000000000000"
                        + "3394d7505e4379cd0100000000000000" + "00".repeat(16),
                        "13000000000000000000000000000000"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void rfc8439(String name, String key, String message, String tag) {
        assertThat(HEX.formatHex(Poly1305.mac(HEX.parseHex(key), HEX.parseHex(message))))
                .isEqualTo(tag);
    }
}
