package io.microlink.portmap;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The NAT-PMP wire format (RFC 6886), without I/O: the requests a client sends to its gateway's
 * UDP port {@value #PORT} and the decoding of the gateway's answers. All fields are big-endian.
 *
 * <pre>
 * external address request (§3.2):  version 0 | opcode 0
 * its response (12 bytes):           version 0 | opcode 128 | result (16) | epoch seconds (32) | IPv4 (32)
 * mapping request (§3.3, 12 bytes):  version 0 | opcode 1 UDP, 2 TCP | reserved (16) | internal port (16)
 *                                    | suggested external port (16) | lifetime seconds (32)
 * its response (16 bytes):           version 0 | opcode 128 + op | result (16) | epoch seconds (32)
 *                                    | internal port (16) | mapped external port (16) | lifetime seconds (32)
 * </pre>
 *
 * A lifetime of 0 asks the gateway to delete the mapping (§3.4).
 */
public final class NatPmp {
    /** The gateway's NAT-PMP port. */
    public static final int PORT = 5351;
    static final int OP_EXTERNAL_ADDRESS = 0;
    static final int OP_MAP_UDP = 1;
    static final int OP_MAP_TCP = 2;
    private static final int RESPONSE_BIT = 0x80;

    private NatPmp() {}

    /** What a gateway answered; {@code result} 0 is success (§3.5). */
    public sealed interface Response {
        int result();

        /** Seconds since the gateway's port-mapping table was (re)initialised: a drop means it lost our mappings. */
        long epochSeconds();
    }

    /** The answer to {@link #externalAddressRequest()}. */
    public record ExternalAddress(int result, long epochSeconds, Inet4Address address) implements Response {}

    /**
     * The answer to {@link #mappingRequest}.
     *
     * @param udp             whether it is a UDP mapping (opcode 129) rather than TCP (130)
     * @param lifetimeSeconds how long the mapping lasts; renew at about half of it (§3.3)
     */
    public record Mapping(int result, long epochSeconds, boolean udp, int internalPort, int externalPort,
                          long lifetimeSeconds) implements Response {}

    /** The two bytes that ask for the gateway's external address. */
    public static byte[] externalAddressRequest() {
        return new byte[] {0, OP_EXTERNAL_ADDRESS};
    }

    /**
     * A request to map {@code internalPort} (UDP or TCP) for {@code lifetimeSeconds}.
     *
     * @param suggestedExternalPort the external port we would like (the gateway may pick
     *                              another), 0 for no preference
     * @param lifetimeSeconds       0 deletes the mapping
     */
    public static byte[] mappingRequest(boolean udp, int internalPort, int suggestedExternalPort, long lifetimeSeconds) {
        if (internalPort < 1 || internalPort > 0xFFFF || suggestedExternalPort < 0 || suggestedExternalPort > 0xFFFF
                || lifetimeSeconds < 0 || lifetimeSeconds > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("NAT-PMP mapping out of range: internal port " + internalPort
                    + ", external port " + suggestedExternalPort + ", lifetime " + lifetimeSeconds);
        }
        byte[] b = new byte[12];
        b[1] = (byte) (udp ? OP_MAP_UDP : OP_MAP_TCP);
        Wire.put16(b, 4, internalPort);
        Wire.put16(b, 6, suggestedExternalPort);
        Wire.put32(b, 8, lifetimeSeconds);
        return b;
    }

    /**
     * Decodes a gateway's answer.
     *
     * @throws PortMapProtocolException for anything that is not a NAT-PMP response of a known
     *                                  opcode with its full length (extra bytes are ignored,
     *                                  as §3.5 asks for forward compatibility)
     */
    public static Response decode(byte[] b, int off, int len) throws PortMapProtocolException {
        if (len < 4) {
            throw new PortMapProtocolException("a NAT-PMP response of " + len + " bytes; the shortest is 12");
        }
        if (b[off] != 0) {
            throw new PortMapProtocolException("NAT-PMP version " + (b[off] & 0xFF) + "; only version 0 is spoken");
        }
        int op = b[off + 1] & 0xFF;
        if ((op & RESPONSE_BIT) == 0) {
            throw new PortMapProtocolException("a NAT-PMP request (opcode " + op + "), not a response");
        }
        int result = Wire.get16(b, off + 2);
        int request = op & ~RESPONSE_BIT;
        int need = request == OP_EXTERNAL_ADDRESS ? 12 : 16;
        if (request > OP_MAP_TCP) {
            throw new PortMapProtocolException("NAT-PMP response to unknown opcode " + request);
        }
        if (len < need) {
            // A gateway that refuses a request may answer with only the first 8 bytes (§3.5).
            if (result != 0 && len >= 8) {
                long epoch = Wire.get32(b, off + 4);
                return request == OP_EXTERNAL_ADDRESS ? new ExternalAddress(result, epoch, null)
                        : new Mapping(result, epoch, request == OP_MAP_UDP, 0, 0, 0);
            }
            throw new PortMapProtocolException("a NAT-PMP response to opcode " + request + " of " + len
                    + " bytes; it has " + need);
        }
        long epoch = Wire.get32(b, off + 4);
        if (request == OP_EXTERNAL_ADDRESS) {
            byte[] ip = {b[off + 8], b[off + 9], b[off + 10], b[off + 11]};
            try {
                return new ExternalAddress(result, epoch, (Inet4Address) InetAddress.getByAddress(ip));
            } catch (UnknownHostException e) {
                throw new IllegalStateException("four bytes are always an IPv4 address", e);
            }
        }
        return new Mapping(result, epoch, request == OP_MAP_UDP, Wire.get16(b, off + 8), Wire.get16(b, off + 10),
                Wire.get32(b, off + 12));
    }

    /** The meaning of a result code (§3.5), for messages. */
    public static String describe(int result) {
        return switch (result) {
            case 0 -> "success";
            case 1 -> "unsupported version";
            case 2 -> "not authorized or refused (port mapping may be off on the gateway)";
            case 3 -> "network failure (the gateway has no external address)";
            case 4 -> "out of resources (no more mappings)";
            case 5 -> "unsupported opcode";
            default -> "result code " + result;
        };
    }
}
