package io.microlink.portmap;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The PCP wire format (RFC 6887), without I/O, for the one opcode a port mapper needs: MAP of
 * a UDP port, plus ANNOUNCE, whose answer carries the gateway's epoch. PCP shares NAT-PMP's
 * port 5351 and tells itself apart by its version, 2. Addresses are 16 bytes, IPv4 ones
 * IPv4-mapped ({@code ::ffff:a.b.c.d}); all fields big-endian.
 *
 * <pre>
 * request header (§7.1, 24 bytes):  version 2 | R=0, opcode (8) | reserved (16) | lifetime (32) | client address (128)
 * response header (§7.2, 24 bytes): version 2 | R=1, opcode (8) | reserved (8) | result (8) | lifetime (32)
 *                                   | epoch seconds (32) | reserved (96)
 * MAP data (§11.1, 36 bytes):       nonce (96) | protocol (8) | reserved (24) | internal port (16)
 *                                   | external port (16) | external address (128)
 * </pre>
 *
 * Options after the opcode data are neither sent nor read.
 */
public final class Pcp {
    static final int VERSION = 2;
    static final int OP_ANNOUNCE = 0;
    static final int OP_MAP = 1;
    /** The nonce's length: a MAP answer must echo it (§11.1), so a stranger cannot guess it. */
    public static final int NONCE_BYTES = 12;
    private static final int PROTOCOL_UDP = 17;
    private static final int HEADER = 24;
    private static final int MAP_DATA = 36;
    /** The longest PCP message (§7). */
    static final int MAX_MESSAGE = 1100;
    private static final int RESPONSE_BIT = 0x80;

    private Pcp() {}

    /**
     * What a gateway answered to a MAP or ANNOUNCE; {@code result} 0 is success (§7.4).
     *
     * @param nonce           the MAP's nonce echoed (empty for ANNOUNCE)
     * @param externalAddress the mapping's external IPv4 address, null for ANNOUNCE or a non-IPv4 one
     */
    public record Response(int opcode, int result, long lifetimeSeconds, long epochSeconds, byte[] nonce,
                           int protocol, int internalPort, int externalPort, Inet4Address externalAddress) {
        /** Whether this is a MAP answer for a UDP mapping. */
        public boolean udpMap() {
            return opcode == OP_MAP && protocol == PROTOCOL_UDP;
        }
    }

    /**
     * A MAP request for UDP {@code internalPort} on {@code client} (our own address as the
     * gateway sees it: PCP refuses a request whose header names another, §8.1).
     *
     * @param nonce                 {@value #NONCE_BYTES} random bytes, the same for renewals of one mapping
     * @param suggestedExternalPort the external port we would like, 0 for no preference
     * @param lifetimeSeconds       0 deletes the mapping
     */
    public static byte[] mapRequest(Inet4Address client, byte[] nonce, int internalPort, int suggestedExternalPort,
                                    long lifetimeSeconds) {
        if (nonce.length != NONCE_BYTES || internalPort < 1 || internalPort > 0xFFFF || suggestedExternalPort < 0
                || suggestedExternalPort > 0xFFFF || lifetimeSeconds < 0 || lifetimeSeconds > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("PCP MAP out of range: internal port " + internalPort
                    + ", external port " + suggestedExternalPort + ", lifetime " + lifetimeSeconds);
        }
        byte[] b = header(OP_MAP, lifetimeSeconds, client, MAP_DATA);
        System.arraycopy(nonce, 0, b, HEADER, NONCE_BYTES);
        b[HEADER + 12] = PROTOCOL_UDP;
        Wire.put16(b, HEADER + 16, internalPort);
        Wire.put16(b, HEADER + 18, suggestedExternalPort);
        // No suggested external address: the IPv4-mapped 0.0.0.0 (§11.1).
        b[HEADER + 30] = (byte) 0xFF;
        b[HEADER + 31] = (byte) 0xFF;
        return b;
    }

    /** An ANNOUNCE request (§14.1): its answer tells the gateway's epoch. */
    public static byte[] announceRequest(Inet4Address client) {
        return header(OP_ANNOUNCE, 0, client, 0);
    }

    private static byte[] header(int opcode, long lifetime, Inet4Address client, int data) {
        byte[] b = new byte[HEADER + data];
        b[0] = VERSION;
        b[1] = (byte) opcode;
        Wire.put32(b, 4, lifetime);
        b[18] = (byte) 0xFF;
        b[19] = (byte) 0xFF;
        System.arraycopy(client.getAddress(), 0, b, 20, 4);
        return b;
    }

    /**
     * Decodes a gateway's answer.
     *
     * @throws PortMapProtocolException for anything but a PCP response to MAP or ANNOUNCE of
     *                                  its full length (options after it are skipped)
     */
    public static Response decode(byte[] b, int off, int len) throws PortMapProtocolException {
        if (len < HEADER || len > MAX_MESSAGE || len % 4 != 0) {
            throw new PortMapProtocolException("a PCP response of " + len
                    + " bytes; it has at least 24, at most 1100, a multiple of 4");
        }
        if (b[off] != VERSION) {
            throw new PortMapProtocolException("PCP version " + (b[off] & 0xFF) + "; only version 2 is spoken");
        }
        int op = b[off + 1] & 0xFF;
        if ((op & RESPONSE_BIT) == 0) {
            throw new PortMapProtocolException("a PCP request (opcode " + op + "), not a response");
        }
        int opcode = op & ~RESPONSE_BIT;
        int result = b[off + 3] & 0xFF;
        long lifetime = Wire.get32(b, off + 4);
        long epoch = Wire.get32(b, off + 8);
        if (opcode == OP_ANNOUNCE) {
            return new Response(opcode, result, lifetime, epoch, new byte[0], 0, 0, 0, null);
        }
        if (opcode != OP_MAP) {
            throw new PortMapProtocolException("PCP response to unsupported opcode " + opcode);
        }
        if (len < HEADER + MAP_DATA) {
            throw new PortMapProtocolException("a PCP MAP response of " + len + " bytes; it has 60");
        }
        int d = off + HEADER;
        byte[] nonce = new byte[NONCE_BYTES];
        System.arraycopy(b, d, nonce, 0, NONCE_BYTES);
        return new Response(opcode, result, lifetime, epoch, nonce, b[d + 12] & 0xFF, Wire.get16(b, d + 16),
                Wire.get16(b, d + 18), mappedIpv4(b, d + 20));
    }

    /** The IPv4 address in a 16-byte IPv4-mapped one, or null when it is not one. */
    private static Inet4Address mappedIpv4(byte[] b, int at) {
        for (int i = 0; i < 10; i++) {
            if (b[at + i] != 0) {
                return null;
            }
        }
        if (b[at + 10] != (byte) 0xFF || b[at + 11] != (byte) 0xFF) {
            return null;
        }
        try {
            return (Inet4Address) InetAddress.getByAddress(new byte[] {b[at + 12], b[at + 13], b[at + 14], b[at + 15]});
        } catch (UnknownHostException e) {
            throw new IllegalStateException("four bytes are always an IPv4 address", e);
        }
    }

    /** The meaning of a result code (§7.4), for messages. */
    public static String describe(int result) {
        return switch (result) {
            case 0 -> "success";
            case 1 -> "unsupported version";
            case 2 -> "not authorized (port mapping may be off on the gateway)";
            case 3 -> "malformed request";
            case 4 -> "unsupported opcode";
            case 7 -> "network failure";
            case 8 -> "no resources";
            case 9 -> "unsupported protocol";
            case 10 -> "user exceeded quota";
            case 11 -> "cannot provide the external address";
            case 12 -> "address mismatch (a NAT between us and the gateway)";
            default -> "result code " + result;
        };
    }
}
