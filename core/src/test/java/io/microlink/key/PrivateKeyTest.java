package io.microlink.key;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.microlink.crypto.CryptoException;
import io.microlink.crypto.NaclBox;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class PrivateKeyTest {
    // RFC 7748 §6.1: Alice's private key and her public key.
    private static final String ALICE =
            "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a";
    private static final String ALICE_PUBLIC =
            "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a";

    @Test
    void parseDerivesThePublicKey() {
        PrivateKey key = PrivateKey.parse(KeyKind.NODE, "privkey:" + ALICE);
        assertThat(key.publicKey()).isEqualTo(PublicKey.parse("nodekey:" + ALICE_PUBLIC));
        assertThat(key.toPersistentText()).isEqualTo("privkey:" + ALICE);
        assertThat(HexFormat.of().formatHex(key.raw())).isEqualTo(ALICE);
    }

    @ParameterizedTest
    @EnumSource(value = KeyKind.class, names = {"MACHINE", "NODE", "DISCO"})
    void generatedKeysAreClampedAndOfTheirKind(KeyKind kind) {
        PrivateKey key = PrivateKey.generate(kind);
        byte[] raw = key.raw();
        assertThat(raw[0] & 7).isZero();
        assertThat(raw[31] & 0xc0).isEqualTo(0x40);
        assertThat(key.kind()).isEqualTo(kind);
        assertThat(key.publicKey().kind()).isEqualTo(kind);
    }

    @ParameterizedTest
    @EnumSource(value = KeyKind.class, names = {"MACHINE", "NODE", "DISCO"})
    void toStringShowsNoPrivateBytes(KeyKind kind) {
        PrivateKey key = PrivateKey.generate(kind);
        String shown = key.toString();
        assertThat(shown).isEqualTo("PrivateKey[" + kind.label() + ", public="
                + key.publicKey().shortString() + "]");
        GoKeyVectorsTest.assertNoRunOf(HexFormat.of().formatHex(key.raw()), shown);
    }

    @Test
    void discoKeysRefuseToSerialize() {
        PrivateKey disco = PrivateKey.generate(KeyKind.DISCO);
        assertThatThrownBy(disco::toPersistentText)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("disco private keys are never serialized");
        assertThatThrownBy(() -> PrivateKey.parse(KeyKind.DISCO, "privkey:" + ALICE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining(ALICE.substring(0, 8));
    }

    @Test
    void challengeKeysCannotBeHeld() {
        assertThatThrownBy(() -> PrivateKey.generate(KeyKind.CHALLENGE))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PrivateKey.of(KeyKind.CHALLENGE, new byte[32]))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "nodekey:" + ALICE,
        "PRIVKEY:" + ALICE,
        ALICE,
        "privkey:" + "7076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a",
        "privkey:" + ALICE + "7",
        "privkey:77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2x",
    })
    void parseErrorsNeverShowTheInput(String text) {
        assertThatThrownBy(() -> PrivateKey.parse(KeyKind.MACHINE, text))
                .isInstanceOf(KeyFormatException.class)
                .hasMessageContaining("(input not shown)")
                .satisfies(e -> GoKeyVectorsTest.assertNoRunOf(text, e.getMessage()));
    }

    @Test
    void parseErrorsStillSayWhatWasWrong() {
        assertThatThrownBy(() -> PrivateKey.parse(KeyKind.NODE, "privkey:" + ALICE.substring(2)))
                .hasMessage("node private key text must have 64 hex digits after \"privkey:\", "
                        + "got 62 (input not shown)");
        assertThatThrownBy(() -> PrivateKey.parse(KeyKind.NODE, "privkey:" + "g" + ALICE.substring(1)))
                .hasMessage("node private key text has a non-hex character at index 8 (input not shown)");
        assertThatThrownBy(() -> PrivateKey.parse(KeyKind.NODE, "mkey:" + ALICE))
                .hasMessage("node private key text must start with \"privkey:\", "
                        + "but does not (input not shown)");
    }

    @Test
    void zeroKeysAreRefused() {
        assertThatThrownBy(() -> PrivateKey.parse(KeyKind.NODE, "privkey:" + "0".repeat(64)))
                .isInstanceOf(KeyFormatException.class)
                .hasMessageContaining("all zero");
        assertThatThrownBy(() -> PrivateKey.of(KeyKind.NODE, new byte[32]))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void equalityIsByKindAndBytes() {
        byte[] raw = HexFormat.of().parseHex(ALICE);
        PrivateKey node = PrivateKey.of(KeyKind.NODE, raw);
        assertThat(node).isEqualTo(PrivateKey.parse(KeyKind.NODE, "privkey:" + ALICE.toUpperCase()));
        assertThat(node).hasSameHashCodeAs(PrivateKey.of(KeyKind.NODE, raw));
        assertThat(node).isNotEqualTo(PrivateKey.of(KeyKind.MACHINE, raw));
        assertThat(node).isNotEqualTo(PrivateKey.generate(KeyKind.NODE));
    }

    @Test
    void rawBytesAreCopiedInAndOut() {
        byte[] raw = HexFormat.of().parseHex(ALICE);
        PrivateKey key = PrivateKey.of(KeyKind.NODE, raw);
        raw[0] = 1;
        key.raw()[1] = 1;
        assertThat(key.toPersistentText()).isEqualTo("privkey:" + ALICE);
    }

    @Test
    void boxesPairMatchingKindsOnly() throws Exception {
        PrivateKey a = PrivateKey.generate(KeyKind.NODE);
        PrivateKey b = PrivateKey.generate(KeyKind.NODE);
        byte[] message = "hello".getBytes(StandardCharsets.UTF_8);
        NaclBox toB = a.boxTo(b.publicKey());
        assertThat(b.boxTo(a.publicKey()).open(toB.seal(message))).isEqualTo(message);

        PublicKey challenge = PublicKey.of(KeyKind.CHALLENGE, b.publicKey().raw());
        assertThat(b.boxTo(a.publicKey()).open(a.boxTo(challenge).seal(message))).isEqualTo(message);

        PrivateKey machine = PrivateKey.generate(KeyKind.MACHINE);
        assertThatThrownBy(() -> machine.boxTo(b.publicKey()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a machine private key cannot box to a node public key");
        assertThatThrownBy(() -> a.boxTo(PublicKey.of(KeyKind.NODE, new byte[32])))
                .isInstanceOf(CryptoException.class);
    }
}
