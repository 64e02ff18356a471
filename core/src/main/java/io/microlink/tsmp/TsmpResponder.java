package io.microlink.tsmp;

import io.microlink.netstack.ip.IpHeader;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Optional;

/**
 * Answers TSMP pings, sans I/O. TSMP is tailscale's own IP protocol (number 99) inside
 * WireGuard; {@code tailscale ping --tsmp} sends {@code 'p'} and 8 opaque bytes and expects
 * {@code 'o'}, the same 8 bytes and our peerapi port (0: we run none) back, proving the
 * WireGuard tunnel works end to end without any TCP/IP stack.
 *
 * <pre>{@code
 * TsmpResponder.pong(decryptedPacket).ifPresent(reply -> engine.send(reply, ...));
 * }</pre>
 */
public final class TsmpResponder {
    static final int PROTOCOL = 99;
    static final byte PING = 'p';
    static final byte PONG = 'o';
    private static final int PING_DATA = 8;

    private TsmpResponder() {}

    /** The pong for a TSMP ping in {@code packet} (IPv4 or IPv6), or empty for anything else. */
    public static Optional<byte[]> pong(byte[] packet, int off, int len) {
        int version = IpHeader.version(packet, off, len);
        return version == 4 ? pong4(packet, off, len) : version == 6 ? pong6(packet, off, len) : Optional.empty();
    }

    private static Optional<byte[]> pong4(byte[] p, int off, int len) {
        int ihl = (p[off] & 0x0F) * 4;
        if (len < ihl + 1 + PING_DATA || ihl < 20 || (p[off + 9] & 0xFF) != PROTOCOL || p[off + ihl] != PING) {
            return Optional.empty();
        }
        int total = TsmpIpv4Header.LENGTH + 1 + PING_DATA + 2;
        short id = (short) ~ByteBuffer.wrap(p, off + 4, 2).getShort(); // tailscale: ID of the ping, inverted
        ByteBuffer b = TsmpIpv4Header.start(total, id,
                        Arrays.copyOfRange(p, off + 16, off + 20), // from: the address the ping was sent to
                        Arrays.copyOfRange(p, off + 12, off + 16)) // to: the pinger
                .put(PONG).put(p, off + ihl + 1, PING_DATA).putShort((short) 0);
        return Optional.of(TsmpIpv4Header.finish(b));
    }

    private static Optional<byte[]> pong6(byte[] p, int off, int len) {
        if (len < 40 + 1 + PING_DATA || (p[off + 6] & 0xFF) != PROTOCOL || p[off + 40] != PING) {
            return Optional.empty();
        }
        int payload = 1 + PING_DATA + 2;
        return Optional.of(ByteBuffer.allocate(40 + payload)
                .putInt(0x60000000).putShort((short) payload).put((byte) PROTOCOL).put((byte) 64)
                .put(p, off + 24, 16).put(p, off + 8, 16)
                .put(PONG).put(p, off + 41, PING_DATA).putShort((short) 0)
                .array());
    }
}
