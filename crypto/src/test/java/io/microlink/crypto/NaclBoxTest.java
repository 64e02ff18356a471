package io.microlink.crypto;

import static io.microlink.crypto.GoVectors.bytes;
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
import org.junit.jupiter.params.provider.ValueSource;

class NaclBoxTest {
    private static final HexFormat HEX = HexFormat.of();

    // NaCl tests/box.c (libsodium test/default/box.c and box.exp): Alice's secret key and Bob's
    // public key are those of RFC 7748 §6.1; the expected output is box.exp, tag then ciphertext.
    private static final byte[] ALICE_SECRET =
            HEX.parseHex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
    private static final byte[] BOB_SECRET =
            HEX.parseHex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
    private static final byte[] BOB_PUBLIC =
            HEX.parseHex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
    private static final byte[] NONCE =
            HEX.parseHex("69696ee955b62b73cd62bda875fc73d68219e0036b7a0b37");
    private static final byte[] MESSAGE = HEX.parseHex(
            "be075fc53c81f2d5cf141316ebeb0c7b5228c52a4c62cbd44b66849b64244ffc"
            + "e5ecbaaf33bd751a1ac728d45e6c61296cdc3c01233561f41db66cce314adb31"
            + "0e3be8250c46f06dceea3a7fa1348057e2f6556ad6b1318a024a838f21af1fde"
            + "048977eb48f59ffd4924ca1c60902e52f0a089bc76897040e082f93776384864"
            + "5e0705");
    private static final String TAG_AND_CIPHERTEXT =
            "f3ffc7703f9400e52a7dfb4b3d3305d9"
            + "8e993b9f48681273c29650ba32fc76ce48332ea7164d96a4476fb8c531a1186a"
            + "c0dfc17c98dce87b4da7f011ec48c97271d2c20f9b928fe2270d6fb863d51738"
            + "b48eeee314a7cc8ab932164548e526ae90224368517acfeabd6bb3732bc0e9da"
            + "99832b61ca01b6de56244a9e88d5f9b37973f622a43d14a6599b1f654cb45a74"
            + "e355a5";

    @Test
    void naclBoxVector() throws CryptoException {
        byte[] sealed = NaclBox.precompute(ALICE_SECRET, BOB_PUBLIC).seal(NONCE, MESSAGE);
        assertThat(HEX.formatHex(sealed)).isEqualTo(HEX.formatHex(NONCE) + TAG_AND_CIPHERTEXT);
    }

    @Test
    void naclBoxVectorOpensOnTheOtherSide() throws Exception {
        byte[] alicePublic = X25519.publicKey(ALICE_SECRET);
        byte[] sealed = HEX.parseHex(HEX.formatHex(NONCE) + TAG_AND_CIPHERTEXT);
        assertThat(NaclBox.precompute(BOB_SECRET, alicePublic).open(sealed)).isEqualTo(MESSAGE);
    }

    // golang.org/x/crypto nacl/box/box_test.go TestBox, whose expected value came from C NaCl:
    // keys of all 0x01 and all 0x02 bytes, nonce of 0x04 bytes, 64 bytes of 0x03.
    @Test
    void goTestBoxVector() throws CryptoException {
        byte[] privateKey1 = filled(32, 1);
        byte[] privateKey2 = filled(32, 2);
        byte[] sealed = NaclBox.precompute(privateKey2, X25519.publicKey(privateKey1))
                .seal(filled(24, 4), filled(64, 3));
        assertThat(HEX.formatHex(sealed, NaclBox.NONCE_LENGTH, sealed.length)).isEqualTo(
                "78ea30b19d2341ebbdba54180f821eec265cf86312549bea8a37652a8bb94f07"
                + "b78a73ed1708085e6ddd0e943bbdeb8755079a37eb31d86163ce241164a47629"
                + "c0539f330b4914cd135b3855bc2a2dfc");
    }

    @Test
    void randomNonceSealRoundTripsAndDiffers() throws Exception {
        byte[] bobsView = X25519.publicKey(ALICE_SECRET);
        NaclBox alice = NaclBox.precompute(ALICE_SECRET, BOB_PUBLIC);
        byte[] first = alice.seal(MESSAGE);
        byte[] second = alice.seal(MESSAGE);
        assertThat(first).hasSize(NaclBox.OVERHEAD + MESSAGE.length);
        assertThat(Arrays.copyOf(first, 24)).isNotEqualTo(Arrays.copyOf(second, 24));
        assertThat(NaclBox.precompute(BOB_SECRET, bobsView).open(first)).isEqualTo(MESSAGE);
    }

    @Test
    void anyFlippedBitIsRejected() throws CryptoException {
        NaclBox bob = NaclBox.precompute(BOB_SECRET, X25519.publicKey(ALICE_SECRET));
        byte[] sealed = HEX.parseHex(HEX.formatHex(NONCE) + TAG_AND_CIPHERTEXT);
        for (int i = 0; i < sealed.length; i++) {
            byte[] tampered = sealed.clone();
            tampered[i] ^= 0x10;
            assertThatThrownBy(() -> bob.open(tampered)).isInstanceOf(AEADBadTagException.class);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 23, 24, 39})
    void truncatedInputIsRejected(int length) throws CryptoException {
        NaclBox bob = NaclBox.precompute(BOB_SECRET, X25519.publicKey(ALICE_SECRET));
        byte[] sealed = HEX.parseHex(HEX.formatHex(NONCE) + TAG_AND_CIPHERTEXT);
        assertThatThrownBy(() -> bob.open(Arrays.copyOf(sealed, length)))
                .isInstanceOf(AEADBadTagException.class)
                .hasMessageContaining(length + " bytes")
                .hasMessageContaining("40-byte nonce and tag");
    }

    @Test
    void lowOrderPeerIsRefused() {
        assertThatThrownBy(() -> NaclBox.precompute(ALICE_SECRET, new byte[32]))
                .isInstanceOf(CryptoException.class);
    }

    @Test
    void toStringHidesTheKey() throws CryptoException {
        assertThat(NaclBox.precompute(ALICE_SECRET, BOB_PUBLIC).toString())
                .isEqualTo("NaclBox[key hidden]");
    }

    static Stream<JsonNode> fixedNonceVectors() {
        return GoVectors.section("boxFixedNonce");
    }

    static Stream<JsonNode> randomNonceVectors() {
        return GoVectors.section("boxRandomNonce");
    }

    @ParameterizedTest(name = "[{index}]")
    @MethodSource("fixedNonceVectors")
    void sealMatchesGo(JsonNode v) throws Exception {
        byte[] sealed = bytes(v, "sealed");
        NaclBox sender = NaclBox.precompute(bytes(v, "senderPrivate"), bytes(v, "recipientPublic"));
        assertThat(sender.seal(Arrays.copyOf(sealed, 24), bytes(v, "plaintext"))).isEqualTo(sealed);
        assertOpens(v);
    }

    @ParameterizedTest(name = "[{index}]")
    @MethodSource("randomNonceVectors")
    void opensGoSealedBoxes(JsonNode v) throws Exception {
        assertOpens(v);
    }

    private static void assertOpens(JsonNode v) throws Exception {
        assertThat(X25519.publicKey(bytes(v, "senderPrivate"))).isEqualTo(bytes(v, "senderPublic"));
        NaclBox recipient =
                NaclBox.precompute(bytes(v, "recipientPrivate"), bytes(v, "senderPublic"));
        assertThat(recipient.open(bytes(v, "sealed"))).isEqualTo(bytes(v, "plaintext"));
    }

    private static byte[] filled(int length, int value) {
        byte[] b = new byte[length];
        Arrays.fill(b, (byte) value);
        return b;
    }
}
