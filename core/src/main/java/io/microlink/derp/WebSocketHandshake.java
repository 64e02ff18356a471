package io.microlink.derp;

import io.microlink.http.HttpHead;
import io.microlink.http.PeerText;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

/**
 * The client's opening handshake for DERP over WebSocket (RFC 6455 §4.1), sans I/O: a
 * {@code GET /derp} asking for {@code Upgrade: websocket} with the {@code derp} subprotocol, as
 * tailscale's browser client and headscale's embedded relay speak it, and the check of the
 * server's answer: {@code 101}, {@code Upgrade: websocket}, the {@code Sec-WebSocket-Accept} that
 * proves the server read our key, and the {@code derp} subprotocol (no extension: we agreed none).
 *
 * <pre>{@code
 * WebSocketHandshake hs = WebSocketHandshake.fresh();
 * out.write(hs.request("derp.example.com"));
 * hs.check(UpgradeResponse.read(in).head(), "derp.example.com");
 * }</pre>
 */
final class WebSocketHandshake {
    /** RFC 6455 §1.3: the GUID appended to the key before hashing. */
    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    static final String SUBPROTOCOL = "derp";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String key;

    WebSocketHandshake(byte[] nonce) {
        if (nonce.length != 16) {
            throw new IllegalArgumentException("a WebSocket key is 16 random bytes");
        }
        this.key = Base64.getEncoder().encodeToString(nonce);
    }

    /** A handshake with a fresh random key. */
    static WebSocketHandshake fresh() {
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        return new WebSocketHandshake(nonce);
    }

    /** The request head, with {@code host} (and port, if not the scheme's default) as the Host field. */
    byte[] request(String host) {
        return ("GET /derp HTTP/1.1\r\nHost: " + host + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Protocol: " + SUBPROTOCOL + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** The {@code Sec-WebSocket-Accept} a server must answer {@code key} with. */
    static String acceptFor(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest((key + GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-1", e);
        }
    }

    /**
     * Checks the server's answer.
     *
     * @param relay the relay's name, for the error
     * @throws UpgradeRefusedException when the server answered without switching protocols
     * @throws DerpProtocolException   when it switched, but not to a WebSocket for DERP
     */
    void check(HttpHead.Status reply, String relay) throws DerpProtocolException {
        if (reply.status() != 101) {
            throw new UpgradeRefusedException("DERP server " + relay + " refused the WebSocket upgrade: "
                    + PeerText.forLog(reply.statusLine(), PeerText.DEFAULT_MAX));
        }
        if (!reply.field("upgrade").map(v -> v.equalsIgnoreCase("websocket")).orElse(false)) {
            throw new DerpProtocolException("DERP server " + relay + " switched to something other than a WebSocket");
        }
        byte[] expected = acceptFor(key).getBytes(StandardCharsets.US_ASCII);
        byte[] got = reply.field("sec-websocket-accept").orElse("").trim().getBytes(StandardCharsets.US_ASCII);
        if (!Arrays.equals(expected, got)) {
            throw new DerpProtocolException("DERP server " + relay + " sent a wrong Sec-WebSocket-Accept"
                    + " (something in between is not passing the WebSocket through)");
        }
        if (!reply.field("sec-websocket-protocol").map(v -> v.trim().equals(SUBPROTOCOL)).orElse(false)) {
            throw new DerpProtocolException("DERP server " + relay + " did not agree to the \"derp\" WebSocket subprotocol");
        }
        if (reply.field("sec-websocket-extensions").isPresent()) {
            throw new DerpProtocolException("DERP server " + relay + " named a WebSocket extension we did not offer");
        }
    }
}
