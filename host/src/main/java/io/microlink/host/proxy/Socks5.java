package io.microlink.host.proxy;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The SOCKS version 5 messages (RFC 1928) a CONNECT-only server reads and writes, with the
 * username/password sub-negotiation of RFC 1929. Reading takes any stream, so tests feed it
 * bytes; a truncated message ends in {@link java.io.EOFException}.
 */
final class Socks5 {
    static final int VERSION = 5;
    static final int NO_AUTHENTICATION = 0x00;
    static final int USERNAME_PASSWORD = 0x02;
    static final int NO_ACCEPTABLE_METHOD = 0xff;

    static final int CONNECT = 0x01;

    static final int ATYP_IPV4 = 0x01;
    static final int ATYP_DOMAIN = 0x03;
    static final int ATYP_IPV6 = 0x04;

    // Reply codes, RFC 1928 §6.
    static final int SUCCEEDED = 0x00;
    static final int GENERAL_FAILURE = 0x01;
    static final int NETWORK_UNREACHABLE = 0x03;
    static final int HOST_UNREACHABLE = 0x04;
    static final int CONNECTION_REFUSED = 0x05;
    static final int COMMAND_NOT_SUPPORTED = 0x07;
    static final int ADDRESS_TYPE_NOT_SUPPORTED = 0x08;

    /** No reply code applies: the peer does not speak SOCKS5, so the connection is just closed. */
    static final int CLOSE_WITHOUT_REPLY = -1;

    private Socks5() {}

    /** The client's bytes broke the protocol; {@link #reply} is the code to answer with, or {@link #CLOSE_WITHOUT_REPLY}. */
    static final class ProtocolException extends IOException {
        private final int reply;

        ProtocolException(int reply, String message) {
            super(message);
            this.reply = reply;
        }

        int reply() {
            return reply;
        }
    }

    /** A client's request (RFC 1928 §4); {@code host} is a name or an IP literal. */
    record Request(int command, String host, int port) {}

    /** RFC 1929's own version byte, and its status for a failed check (any nonzero value will do). */
    static final int USERNAME_PASSWORD_VERSION = 0x01;
    static final int USERNAME_PASSWORD_FAILURE = 0x01;

    /** A client's username and password (RFC 1929), as the bytes it sent. */
    record UsernamePassword(byte[] username, byte[] password) {
        @Override
        public String toString() {
            return "UsernamePassword[(hidden)]";
        }
    }

    /** Reads the method negotiation; true when the client offers {@code method}. */
    static boolean readGreeting(InputStream stream, int method) throws IOException {
        DataInputStream in = new DataInputStream(stream);
        int version = in.readUnsignedByte();
        if (version != VERSION) {
            throw new ProtocolException(CLOSE_WITHOUT_REPLY, "not SOCKS5: version byte " + version);
        }
        int count = in.readUnsignedByte();
        if (count == 0) {
            throw new ProtocolException(CLOSE_WITHOUT_REPLY, "SOCKS5 greeting offers no method");
        }
        byte[] methods = new byte[count];
        in.readFully(methods);
        for (byte m : methods) {
            if ((m & 0xff) == method) {
                return true;
            }
        }
        return false;
    }

    /** The server's method choice: {@code method}, or none acceptable when the client did not offer it. */
    static byte[] methodChoice(int method, boolean offered) {
        return new byte[] {VERSION, (byte) (offered ? method : NO_ACCEPTABLE_METHOD)};
    }

    /**
     * Reads the username/password request (RFC 1929 §2). A wrong version byte is a
     * {@link ProtocolException} to close on; an empty username or password is read like any
     * other and fails the check.
     */
    static UsernamePassword readUsernamePassword(InputStream stream) throws IOException {
        DataInputStream in = new DataInputStream(stream);
        int version = in.readUnsignedByte();
        if (version != USERNAME_PASSWORD_VERSION) {
            throw new ProtocolException(CLOSE_WITHOUT_REPLY, "SOCKS5 username/password request with version byte "
                    + version);
        }
        byte[] username = readBytes(in, in.readUnsignedByte());
        byte[] password = readBytes(in, in.readUnsignedByte());
        return new UsernamePassword(username, password);
    }

    /** The answer to a username/password request: 0 lets the client go on, anything else ends the connection. */
    static byte[] usernamePasswordReply(boolean accepted) {
        return new byte[] {USERNAME_PASSWORD_VERSION, (byte) (accepted ? 0 : USERNAME_PASSWORD_FAILURE)};
    }

    /** Reads a whole request, whatever its command, so that nothing of it is left unread. */
    static Request readRequest(InputStream stream) throws IOException {
        DataInputStream in = new DataInputStream(stream);
        int version = in.readUnsignedByte();
        int command = in.readUnsignedByte();
        in.readUnsignedByte(); // reserved
        int addressType = in.readUnsignedByte();
        if (version != VERSION) {
            throw new ProtocolException(CLOSE_WITHOUT_REPLY, "SOCKS5 request with version byte " + version);
        }
        String host = switch (addressType) {
            case ATYP_IPV4 -> InetAddress.getByAddress(readBytes(in, 4)).getHostAddress();
            case ATYP_IPV6 -> InetAddress.getByAddress(readBytes(in, 16)).getHostAddress();
            case ATYP_DOMAIN -> {
                int length = in.readUnsignedByte();
                if (length == 0) {
                    throw new ProtocolException(GENERAL_FAILURE, "SOCKS5 request with an empty domain name");
                }
                yield new String(readBytes(in, length), StandardCharsets.ISO_8859_1);
            }
            default -> throw new ProtocolException(ADDRESS_TYPE_NOT_SUPPORTED,
                    "SOCKS5 address type " + addressType + " is not one of IPv4, domain name, IPv6");
        };
        return new Request(command, host, in.readUnsignedShort());
    }

    private static byte[] readBytes(DataInputStream in, int n) throws IOException {
        byte[] b = new byte[n];
        in.readFully(b);
        return b;
    }

    /** A reply; {@code bound} is the address the server connected from, null for failures (sent as 0.0.0.0:0). */
    static byte[] reply(int code, InetSocketAddress bound) {
        byte[] address = bound == null ? new byte[4] : bound.getAddress().getAddress();
        ByteBuffer b = ByteBuffer.allocate(6 + address.length);
        b.put((byte) VERSION).put((byte) code).put((byte) 0);
        b.put((byte) (address.length == 4 ? ATYP_IPV4 : ATYP_IPV6)).put(address);
        b.putShort((short) (bound == null ? 0 : bound.getPort()));
        return b.array();
    }
}
