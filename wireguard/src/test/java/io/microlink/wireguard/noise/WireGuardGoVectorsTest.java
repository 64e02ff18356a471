package io.microlink.wireguard.noise;

import static org.assertj.core.api.Assertions.assertThat;

import io.microlink.crypto.ChaCha20Poly1305;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Known answers from wireguard-go's own device code (tools/wgvectors): a handshake with a
 * preshared key and one transport packet each way, rebuilt here from the same keys and checked
 * byte for byte; and wireguard-go's mac1, cookie reply and mac2.
 */
class WireGuardGoVectorsTest {
    private static String json;
    private static final HexFormat HEX = HexFormat.of();

    @BeforeAll
    static void load() throws IOException {
        try (InputStream in = WireGuardGoVectorsTest.class.getResourceAsStream("/vectors/go-wireguard-vectors.json")) {
            json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The first {@code "name": "hex"} after {@code from}; the file is flat enough for this. */
    private static byte[] hex(String name, int from) {
        Matcher m = Pattern.compile("\"" + name + "\": \"([0-9a-f]*)\"").matcher(json);
        assertThat(m.find(from)).as(name).isTrue();
        return HEX.parseHex(m.group(1));
    }

    private static byte[] hex(String name) {
        return hex(name, 0);
    }

    private static byte[] datagram(String from, int type) {
        Matcher m = Pattern.compile("\"from\": \"(\\w+)\",\\s*\"bytes\": \"([0-9a-f]+)\"").matcher(json);
        List<byte[]> found = new ArrayList<>();
        while (m.find()) {
            byte[] b = HEX.parseHex(m.group(2));
            if (m.group(1).equals(from) && b[0] == type) {
                found.add(b);
            }
        }
        assertThat(found).as(from + " type " + type).isNotEmpty();
        return found.getFirst();
    }

    @Test
    void handshakeAndTransportMatchWireguardGoByteForByte() throws Exception {
        LocalIdentity initiator = new LocalIdentity(hex("initiatorStaticPrivate"));
        LocalIdentity responder = new LocalIdentity(hex("responderStaticPrivate"));
        byte[] psk = hex("presharedKey");
        byte[] goInitiation = datagram("initiator", 1);
        byte[] goResponse = datagram("responder", 2);

        // Responder side: open wireguard-go's initiation.
        InitiationOpening opening = InitiationOpening.open(responder, goInitiation, 0);
        assertThat(opening).isNotNull();
        assertThat(opening.remoteStatic()).isEqualTo(initiator.publicKey());
        Handshake atResponder = new Handshake(responder, initiator.publicKey(), psk);
        assertThat(atResponder.consumeInitiation(opening, goInitiation, 0)).isTrue();

        // Initiator side: the same keys and timestamp give the same 148 bytes, macs included.
        Handshake atInitiator = new Handshake(initiator, responder.publicKey(), psk);
        byte[] ours = atInitiator.createInitiation(Bytes.getInt(goInitiation, 4), hex("initiatorEphemeralPrivate"),
                atResponder.latestTimestamp());
        new CookieGenerator(responder.publicKey()).addMacs(ours, 0);
        assertThat(HEX.formatHex(ours)).isEqualTo(HEX.formatHex(goInitiation));

        byte[] response = atResponder.createResponse(Bytes.getInt(goResponse, 4), hex("responderEphemeralPrivate"));
        new CookieGenerator(initiator.publicKey()).addMacs(response, 0);
        assertThat(HEX.formatHex(response)).isEqualTo(HEX.formatHex(goResponse));

        assertThat(atInitiator.consumeResponse(goResponse, 0)).isTrue();
        SessionKeys i = atInitiator.deriveKeys();
        SessionKeys r = atResponder.deriveKeys();
        assertThat(i.sendKey()).isEqualTo(r.receiveKey());
        assertThat(i.receiveKey()).isEqualTo(r.sendKey());

        // Transport: counter 0 each way, plaintext padded to 16 bytes.
        checkTransport(datagram("initiator", 4), i.sendKey(), i.remoteIndex(), hex("plaintextInitiatorToResponder"));
        checkTransport(datagram("responder", 4), r.sendKey(), r.remoteIndex(), hex("plaintextResponderToInitiator"));
    }

    private static void checkTransport(byte[] goMessage, byte[] sendKey, int receiver, byte[] plaintext) {
        byte[] padded = Arrays.copyOf(plaintext, (plaintext.length + 15) & ~15);
        byte[] expected = new byte[Protocol.TRANSPORT_HEADER_SIZE + padded.length + Protocol.TAG_LENGTH];
        Bytes.putInt(expected, 0, Protocol.TYPE_TRANSPORT);
        Bytes.putInt(expected, 4, receiver);
        Bytes.putLong(expected, 8, 0);
        byte[] sealed = new ChaCha20Poly1305(sendKey).seal(new byte[12], null, padded);
        System.arraycopy(sealed, 0, expected, Protocol.TRANSPORT_HEADER_SIZE, sealed.length);
        assertThat(HEX.formatHex(expected)).isEqualTo(HEX.formatHex(goMessage));
    }

    @Test
    void mac1CookieReplyAndMac2MatchWireguardGo() {
        int at = json.indexOf("\"cookie\"");
        LocalIdentity responder = new LocalIdentity(hex("responderStaticPrivate", at));
        byte[] withMac1 = hex("messageWithMac1", at);
        byte[] withMac2 = hex("messageWithMac2", at);
        byte[] source = hex("source", at);
        byte[] secret = hex("secret", at);
        byte[] nonce = hex("nonce", at);
        byte[] goReply = hex("cookieReply", at);

        CookieChecker checker = new CookieChecker(responder,
                b -> System.arraycopy(b.length == 32 ? secret : nonce, 0, b, 0, b.length));
        assertThat(checker.checkMac1(withMac1, 0, withMac1.length)).isTrue();
        assertThat(HEX.formatHex(checker.createReply(withMac1, 0, withMac1.length, source, 0)))
                .isEqualTo(HEX.formatHex(goReply));
        assertThat(checker.checkMac2(withMac2, 0, withMac2.length, source, 0)).isTrue();
        assertThat(checker.checkMac2(withMac2, 0, withMac2.length, new byte[] {1, 2, 3, 4, 5, 6}, 0)).isFalse();

        CookieGenerator generator = new CookieGenerator(responder.publicKey());
        byte[] msg = Arrays.copyOf(withMac1, withMac1.length);
        Arrays.fill(msg, Protocol.mac1Offset(msg.length), msg.length, (byte) 0);
        generator.addMacs(msg, 0);
        assertThat(msg).isEqualTo(withMac1);
        assertThat(generator.consumeReply(goReply, 0, 0)).isTrue();
        generator.addMacs(msg, 1);
        assertThat(HEX.formatHex(msg)).isEqualTo(HEX.formatHex(withMac2));
        // A cookie is good for two minutes, then mac2 goes back to zeros.
        generator.addMacs(msg, 121_000_000_000L);
        assertThat(Arrays.copyOfRange(msg, Protocol.mac2Offset(msg.length), msg.length)).containsOnly(0);
    }
}
