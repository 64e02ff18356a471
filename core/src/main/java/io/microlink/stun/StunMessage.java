package io.microlink.stun;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;

/**
 * STUN binding requests and responses as tailscale speaks them (RFC 5389 subset), sans I/O.
 * The request must carry SOFTWARE "tailnode" and end in a correct FINGERPRINT, or DERP's
 * STUN servers (derper and headscale) ignore it.
 *
 * <pre>{@code
 * byte[] request = StunMessage.bindingRequest(txId);        // send over UDP to STUNPort
 * StunMessage.BindingResponse r = StunMessage.parseResponse(reply);
 * InetSocketAddress myPublicEndpoint = r.mapped();
 * }</pre>
 */
public final class StunMessage {
    public static final int TX_ID_LENGTH = 12;
    static final int MAGIC_COOKIE = 0x2112A442;
    /** The fixed header: type, length, magic cookie, transaction ID (bytes 8 to 20). */
    public static final int HEADER = 20;
    private static final int BINDING_REQUEST = 0x0001;
    private static final int BINDING_SUCCESS = 0x0101;
    private static final int ATTR_MAPPED_ADDRESS = 0x0001;
    private static final int ATTR_XOR_MAPPED_ADDRESS = 0x0020;
    private static final int ATTR_XOR_MAPPED_ADDRESS_OLD = 0x8020;
    private static final int ATTR_SOFTWARE = 0x8022;
    private static final int ATTR_FINGERPRINT = 0x8028;
    private static final byte[] SOFTWARE = "tailnode".getBytes(StandardCharsets.US_ASCII);
    private static final int FINGERPRINT_XOR = 0x5354554E;

    private StunMessage() {}

    /** A successful binding response: our address as the server saw it. */
    public record BindingResponse(byte[] txId, InetSocketAddress mapped) {}

    /** The 40-byte binding request for transaction {@code txId}. */
    public static byte[] bindingRequest(byte[] txId) {
        if (txId.length != TX_ID_LENGTH) {
            throw new IllegalArgumentException("a STUN transaction ID is 12 bytes, not " + txId.length);
        }
        ByteBuffer b = ByteBuffer.allocate(HEADER + 4 + SOFTWARE.length + 8)
                .putShort((short) BINDING_REQUEST).putShort((short) (4 + SOFTWARE.length + 8))
                .putInt(MAGIC_COOKIE).put(txId)
                .putShort((short) ATTR_SOFTWARE).putShort((short) SOFTWARE.length).put(SOFTWARE);
        CRC32 crc = new CRC32();
        crc.update(b.array(), 0, b.position());
        return b.putShort((short) ATTR_FINGERPRINT).putShort((short) 4).putInt((int) crc.getValue() ^ FINGERPRINT_XOR)
                .array();
    }

    /** Whether a UDP payload is STUN (request or success response) rather than DISCO or WireGuard. */
    public static boolean looksLikeStun(byte[] p) {
        return looksLikeStun(p, 0, p.length);
    }

    /** As {@link #looksLikeStun(byte[])} for the {@code len} bytes of {@code p} at {@code off}. */
    public static boolean looksLikeStun(byte[] p, int off, int len) {
        return len >= HEADER && (p[off] & 0xC0) == 0 && p[off + 1] == 0x01
                && ByteBuffer.wrap(p, off + 4, 4).getInt() == MAGIC_COOKIE;
    }

    /**
     * Parses a binding success response, preferring XOR-MAPPED-ADDRESS.
     *
     * @throws StunException if it is not one, or carries no usable address
     */
    public static BindingResponse parseResponse(byte[] p) throws StunException {
        if (!looksLikeStun(p) || ((p[0] & 0xFF) << 8 | (p[1] & 0xFF)) != BINDING_SUCCESS) {
            throw new StunException("not a STUN binding success response");
        }
        int length = ByteBuffer.wrap(p, 2, 2).getShort() & 0xFFFF;
        if (HEADER + length > p.length) {
            throw new StunException("STUN response shorter than its declared length");
        }
        byte[] txId = Arrays.copyOfRange(p, 8, HEADER);
        InetSocketAddress xored = null;
        InetSocketAddress plain = null;
        for (int off = HEADER; off + 4 <= HEADER + length; ) {
            int type = (p[off] & 0xFF) << 8 | (p[off + 1] & 0xFF);
            int len = (p[off + 2] & 0xFF) << 8 | (p[off + 3] & 0xFF);
            int value = off + 4;
            if (value + len > HEADER + length) {
                throw new StunException("STUN attribute overruns the message");
            }
            if (type == ATTR_XOR_MAPPED_ADDRESS || type == ATTR_XOR_MAPPED_ADDRESS_OLD) {
                xored = address(p, value, len, txId, true);
            } else if (type == ATTR_MAPPED_ADDRESS) {
                plain = address(p, value, len, txId, false);
            }
            off = value + ((len + 3) & ~3); // attributes are padded to 4 bytes
        }
        InetSocketAddress mapped = xored != null ? xored : plain;
        if (mapped == null) {
            throw new StunException("STUN response carries no mapped address");
        }
        return new BindingResponse(txId, mapped);
    }

    private static InetSocketAddress address(byte[] p, int off, int len, byte[] txId, boolean xor)
            throws StunException {
        if (len < 4) { // the family byte itself lies in the attribute's first four
            throw new StunException("malformed STUN address attribute");
        }
        int family = p[off + 1];
        int addrLen = family == 1 ? 4 : family == 2 ? 16 : -1;
        if (addrLen < 0 || len < 4 + addrLen) {
            throw new StunException("malformed STUN address attribute");
        }
        int port = (p[off + 2] & 0xFF) << 8 | (p[off + 3] & 0xFF);
        byte[] ip = Arrays.copyOfRange(p, off + 4, off + 4 + addrLen);
        if (xor) {
            port ^= MAGIC_COOKIE >>> 16;
            byte[] mask = ByteBuffer.allocate(16).putInt(MAGIC_COOKIE).put(txId).array();
            for (int i = 0; i < ip.length; i++) {
                ip[i] ^= mask[i];
            }
        }
        try {
            return new InetSocketAddress(InetAddress.getByAddress(ip), port);
        } catch (UnknownHostException e) {
            throw new StunException("malformed STUN address");
        }
    }
}
