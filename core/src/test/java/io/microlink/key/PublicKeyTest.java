package io.microlink.key;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class PublicKeyTest {
    // Bytes typed in for readability; 0x2d324b06 → base64 "LTJLBg==".
    private static final String HEX =
            "2d324b0603016ab9bb3a25f9c8ad6e4d1a73f6e1b6f90c77f4a8d04e52f1a0c9";

    @Test
    void parsesEachKindFromItsPrefix() {
        for (KeyKind kind : KeyKind.values()) {
            PublicKey key = PublicKey.parse(kind.publicPrefix() + HEX);
            assertThat(key.kind()).isEqualTo(kind);
            assertThat(key.raw()).isEqualTo(HexFormat.of().parseHex(HEX));
            assertThat(key.toString()).isEqualTo(kind.publicPrefix() + HEX);
        }
    }

    @Test
    void upperCaseHexIsAcceptedAndPrintedLowerCase() {
        PublicKey key = PublicKey.parse(KeyKind.NODE, "nodekey:" + HEX.toUpperCase());
        assertThat(key.toString()).isEqualTo("nodekey:" + HEX);
    }

    @Test
    void shortStringFollowsTailscale() {
        assertThat(PublicKey.parse("nodekey:" + HEX).shortString()).isEqualTo("[LTJLB]");
        assertThat(PublicKey.parse("mkey:" + HEX).shortString()).isEqualTo("[LTJLB]");
        assertThat(PublicKey.parse("discokey:" + HEX).shortString()).isEqualTo("d:2d324b0603016ab9");
        assertThat(PublicKey.of(KeyKind.NODE, new byte[32]).shortString()).isEmpty();
    }

    @Test
    void wrongPrefixNamesBoth() {
        assertThatThrownBy(() -> PublicKey.parse(KeyKind.NODE, "mkey:" + HEX))
                .isInstanceOf(KeyFormatException.class)
                .hasMessage("node public key text must start with \"nodekey:\", but found prefix \"mkey:\"");
        assertThatThrownBy(() -> PublicKey.parse("foo:" + HEX))
                .isInstanceOf(KeyFormatException.class)
                .hasMessage("public key text must start with one of mkey:, nodekey:, discokey:, "
                        + "chalpub:, but found prefix \"foo:\"");
    }

    @Test
    void untypedHexIsNotQuoted() {
        assertThatThrownBy(() -> PublicKey.parse(HEX))
                .isInstanceOf(KeyFormatException.class)
                .hasMessageEndingWith("but found no type prefix")
                .hasMessageNotContaining(HEX.substring(0, 8));
    }

    @Test
    void privateKeyTextIsNeverQuoted() {
        assertThatThrownBy(() -> PublicKey.parse("privkey:" + HEX))
                .hasMessageContaining("but got a private key (input not shown)")
                .hasMessageNotContaining(HEX.substring(0, 8));
        assertThatThrownBy(() -> PublicKey.parse(KeyKind.DISCO, "privkey:" + HEX))
                .hasMessageContaining("but got a private key (input not shown)")
                .hasMessageNotContaining(HEX.substring(0, 8));
    }

    @Test
    void wrongLengthsSayHowManyDigits() {
        assertThatThrownBy(() -> PublicKey.parse(KeyKind.NODE, "nodekey:" + HEX.substring(1)))
                .isInstanceOf(KeyFormatException.class)
                .hasMessageStartingWith("node public key text must have 64 hex digits after "
                        + "\"nodekey:\", got 63: \"nodekey:");
        assertThatThrownBy(() -> PublicKey.parse(KeyKind.NODE, "nodekey:" + HEX + "0"))
                .hasMessageContaining("got 65");
        assertThatThrownBy(() -> PublicKey.parse(KeyKind.NODE, "nodekey:"))
                .hasMessageContaining("got 0");
    }

    @Test
    void nonHexCharacterIsLocated() {
        String text = "discokey:" + HEX.substring(0, 10) + "z" + HEX.substring(11);
        assertThatThrownBy(() -> PublicKey.parse(KeyKind.DISCO, text))
                .isInstanceOf(KeyFormatException.class)
                .hasMessage("disco public key text has non-hex character 'z' at index 19: \"" + text + "\"");
    }

    @Test
    void nonAsciiDigitsAreNotHex() {
        // U+0661 ARABIC-INDIC DIGIT ONE, which Character.digit would accept.
        String text = "nodekey:" + "\u0661" + HEX.substring(1);
        assertThatThrownBy(() -> PublicKey.parse(KeyKind.NODE, text))
                .isInstanceOf(KeyFormatException.class)
                .hasMessageContaining("at index 8");
    }

    @Test
    void longInputIsQuotedTruncated() {
        String text = "nodekey:" + HEX.repeat(3);
        assertThatThrownBy(() -> PublicKey.parse(KeyKind.NODE, text))
                .hasMessageEndingWith("…\" (" + text.length() + " chars)")
                .hasMessageNotContaining(text);
    }

    @Test
    void rawBytesAreCopiedInAndOut() {
        byte[] raw = HexFormat.of().parseHex(HEX);
        PublicKey key = PublicKey.of(KeyKind.NODE, raw);
        raw[0] = 0;
        key.raw()[1] = 0;
        assertThat(key.toString()).isEqualTo("nodekey:" + HEX);
    }

    @Test
    void equalityCoversKindAndBytes() {
        PublicKey node = PublicKey.parse("nodekey:" + HEX);
        assertThat(node).isEqualTo(PublicKey.parse(KeyKind.NODE, "nodekey:" + HEX.toUpperCase()));
        assertThat(node).hasSameHashCodeAs(PublicKey.parse("nodekey:" + HEX));
        assertThat(node).isNotEqualTo(PublicKey.parse("discokey:" + HEX));
        assertThat(node).isNotEqualTo(PublicKey.of(KeyKind.NODE, new byte[32]));
    }

    @Test
    void wrongRawLengthIsNamed() {
        assertThatThrownBy(() -> PublicKey.of(KeyKind.MACHINE, new byte[31]))
                .hasMessage("machine public key must be 32 bytes, got 31");
    }
}
