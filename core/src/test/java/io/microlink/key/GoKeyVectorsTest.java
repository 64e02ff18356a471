package io.microlink.key;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.microlink.crypto.NaclBox;
import java.io.IOException;
import java.io.InputStream;
import java.util.HexFormat;
import java.util.Locale;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import javax.crypto.AEADBadTagException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Checks every entry of vectors/go-key-vectors.json, printed by tools/vectorgen from Go. */
class GoKeyVectorsTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final JsonNode ROOT = load();

    private static JsonNode load() {
        try (InputStream in = GoKeyVectorsTest.class.getResourceAsStream("/vectors/go-key-vectors.json")) {
            if (in == null) {
                throw new IllegalStateException("vectors/go-key-vectors.json is not on the test classpath");
            }
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Stream<JsonNode> section(String name) {
        JsonNode array = ROOT.path(name);
        if (!array.isArray() || array.isEmpty()) {
            throw new IllegalStateException("no Go vectors in section " + name);
        }
        return StreamSupport.stream(array.spliterator(), false);
    }

    private static KeyKind kind(JsonNode v) {
        return KeyKind.valueOf(v.get("kind").asText().toUpperCase(Locale.ROOT));
    }

    private static byte[] hex(JsonNode v, String field) {
        return HEX.parseHex(v.get(field).asText());
    }

    static Stream<JsonNode> keys() {
        return section("keys");
    }

    static Stream<JsonNode> zeroPublic() {
        return section("zeroPublic");
    }

    static Stream<JsonNode> parse() {
        return section("parse");
    }

    static Stream<JsonNode> seal() {
        return section("seal");
    }

    @ParameterizedTest(name = "[{index}]")
    @MethodSource("keys")
    void textFormsMatchGo(JsonNode v) {
        KeyKind kind = kind(v);
        PublicKey expectedPublic = PublicKey.of(kind, hex(v, "public"));
        assertThat(expectedPublic.toString()).isEqualTo(v.get("publicText").asText());
        assertThat(PublicKey.parse(v.get("publicText").asText())).isEqualTo(expectedPublic);
        if (!v.get("shortString").isNull()) {
            assertThat(expectedPublic.shortString()).isEqualTo(v.get("shortString").asText());
        }
        if (kind == KeyKind.CHALLENGE) {
            return; // a node never holds challenge private keys
        }
        PrivateKey privateKey = PrivateKey.of(kind, hex(v, "private"));
        assertThat(privateKey.publicKey()).isEqualTo(expectedPublic);
        JsonNode privateText = v.get("privateText");
        if (privateText.isNull()) {
            assertThatThrownBy(privateKey::toPersistentText).isInstanceOf(IllegalStateException.class);
        } else {
            assertThat(privateKey.toPersistentText()).isEqualTo(privateText.asText());
            assertThat(PrivateKey.parse(kind, privateText.asText())).isEqualTo(privateKey);
        }
    }

    @ParameterizedTest(name = "[{index}]")
    @MethodSource("zeroPublic")
    void zeroPublicKeysMatchGo(JsonNode v) {
        PublicKey zero = PublicKey.of(kind(v), new byte[32]);
        assertThat(zero.isZero()).isTrue();
        assertThat(zero.toString()).isEqualTo(v.get("publicText").asText());
        assertThat(zero.shortString()).isEqualTo(v.get("shortString").asText());
    }

    @ParameterizedTest(name = "[{index}]")
    @MethodSource("parse")
    void parsingAgreesWithGo(JsonNode v) {
        KeyKind kind = kind(v);
        String text = v.get("text").asText();
        boolean isPrivate = v.get("private").asBoolean();
        if (v.get("ok").asBoolean()) {
            String parsed = isPrivate
                    ? PrivateKey.parse(kind, text).toPersistentText()
                    : PublicKey.parse(kind, text).toString();
            assertThat(parsed).isEqualTo(v.get("canonical").asText());
        } else if (isPrivate) {
            assertThatThrownBy(() -> PrivateKey.parse(kind, text))
                    .isInstanceOf(KeyFormatException.class)
                    .hasMessageContaining("(input not shown)")
                    .satisfies(e -> assertNoRunOf(text, e.getMessage()));
        } else {
            assertThatThrownBy(() -> PublicKey.parse(kind, text))
                    .isInstanceOf(KeyFormatException.class);
        }
    }

    @ParameterizedTest(name = "[{index}]")
    @MethodSource("seal")
    void goSealedBoxesOpenExactlyWhenGoOpenedThem(JsonNode v) throws Exception {
        KeyKind kind = kind(v);
        PrivateKey sender = PrivateKey.parse(kind, v.get("senderPrivateText").asText());
        PrivateKey recipient = PrivateKey.parse(kind, v.get("recipientPrivateText").asText());
        NaclBox box = recipient.boxTo(sender.publicKey());
        byte[] sealed = hex(v, "sealed");
        if (v.get("goOpens").asBoolean()) {
            assertThat(box.open(sealed)).isEqualTo(hex(v, "plaintext"));
        } else {
            assertThatThrownBy(() -> box.open(sealed)).isInstanceOf(AEADBadTagException.class);
        }
    }

    /** Fails if the message repeats any 6 consecutive characters of the hex part of the input. */
    static void assertNoRunOf(String input, String message) {
        String digits = input.substring(input.indexOf(':') + 1);
        for (int i = 0; i + 6 <= digits.length(); i++) {
            assertThat(message).doesNotContain(digits.substring(i, i + 6));
        }
    }
}
