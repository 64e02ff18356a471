package io.microlink.interop.hardening;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Datagrams an attacker would throw at a node's UDP port: random bytes, and each message the
 * socket tells apart (WireGuard's four, STUN, DISCO) cut short or filled with junk, so every
 * parser on the path sees lengths at and around its limits.
 */
final class HostileDatagrams {
    /** The WireGuard message types and their full sizes (transport: header and tag, no payload). */
    private static final int[][] WIREGUARD = {{1, 148}, {2, 92}, {3, 64}, {4, 32}};
    private static final int STUN_MAGIC = 0x2112A442;
    private static final byte[] DISCO_MAGIC = {'T', 'S', (byte) 0xF0, (byte) 0x9F, (byte) 0x92, (byte) 0xAC};
    /** DISCO: magic, the sender's 32-byte key, a 24-byte nonce, then the sealed box. */
    private static final int DISCO_HEADER = DISCO_MAGIC.length + 32 + 24;

    private final SplittableRandom random;

    HostileDatagrams(long seed) {
        random = new SplittableRandom(seed);
    }

    /** The next datagram, of a kind picked at random. */
    byte[] next() {
        return switch (random.nextInt(6)) {
            case 0 -> bytes(random.nextInt(0, 1500));
            case 1, 2 -> wireGuard();
            case 3 -> stun();
            case 4 -> disco();
            default -> truncatedXorMappedAddress();
        };
    }

    /** A WireGuard message of a random type: cut anywhere below its size, at it, or a little past. */
    byte[] wireGuard() {
        int[] kind = WIREGUARD[random.nextInt(WIREGUARD.length)];
        int length = random.nextBoolean() ? random.nextInt(0, kind[1]) : kind[1] + random.nextInt(0, 64);
        byte[] b = bytes(length);
        if (length > 0) {
            b[0] = (byte) kind[0];
            Arrays.fill(b, 1, Math.min(4, length), (byte) 0); // the reserved bytes real messages have
        }
        return b;
    }

    /** A STUN binding response whose attributes are junk or run past the end. */
    byte[] stun() {
        byte[] attributes = bytes(random.nextInt(0, 64));
        ByteBuffer b = ByteBuffer.allocate(20 + attributes.length);
        b.putShort((short) 0x0101).putShort((short) (random.nextBoolean() ? attributes.length : random.nextInt(0, 0x10000)))
                .putInt(STUN_MAGIC).put(bytes(12)).put(attributes);
        return truncate(b.array(), 20);
    }

    /** The STUN answer that once killed the reader: an XOR-MAPPED-ADDRESS of length zero. */
    byte[] truncatedXorMappedAddress() {
        return ByteBuffer.allocate(24).putShort((short) 0x0101).putShort((short) 4).putInt(STUN_MAGIC)
                .put(bytes(12)).putShort((short) 0x0020).putShort((short) 0).array();
    }

    /** A DISCO packet with a random sender and box, whole or cut anywhere after the magic. */
    byte[] disco() {
        byte[] b = bytes(DISCO_HEADER + random.nextInt(0, 120));
        System.arraycopy(DISCO_MAGIC, 0, b, 0, DISCO_MAGIC.length);
        return truncate(b, DISCO_MAGIC.length);
    }

    private byte[] truncate(byte[] b, int atLeast) {
        return random.nextInt(3) == 0 ? Arrays.copyOf(b, random.nextInt(atLeast, b.length + 1)) : b;
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }
}
