package io.microlink.outbound;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;

/**
 * The client's side of SOCKS5 (RFC 1928) {@code CONNECT} with no authentication or the
 * username/password of RFC 1929, without I/O: it builds the requests and checks the proxy's
 * replies from byte arrays the caller reads. Every reply has a length known before it is read
 * (the connect reply's from its first five bytes, at most {@link #MAX_REPLY_LENGTH}), so the
 * caller reads exactly that and not one byte of the tunnel behind it.
 *
 * <p>A reply that breaks the protocol or refuses fails with {@link Failure}, whose message is a
 * fragment for a user ("wants a user name and password", "host unreachable") that never holds
 * the password.
 */
final class Socks5Codec {
    static final int VERSION = 5;
    static final int NO_AUTHENTICATION = 0x00;
    static final int USERNAME_PASSWORD = 0x02;
    static final int NO_ACCEPTABLE_METHOD = 0xff;
    static final int CONNECT = 0x01;
    static final int ATYP_IPV4 = 0x01;
    static final int ATYP_DOMAIN = 0x03;
    static final int ATYP_IPV6 = 0x04;
    /** RFC 1929's sub-negotiation has a version byte of its own. */
    static final int AUTH_VERSION = 0x01;

    /** The method selection reply: VER METHOD. */
    static final int METHOD_REPLY_LENGTH = 2;
    /** The username/password status: VER STATUS. */
    static final int AUTH_REPLY_LENGTH = 2;
    /** VER REP RSV ATYP and the first address byte, which is a name's length. */
    static final int REPLY_HEAD_LENGTH = 5;
    /** The longest connect reply: a 255-byte name as the bound address. */
    static final int MAX_REPLY_LENGTH = 4 + 1 + 255 + 2;

    private static final String[] REPLY_MEANING = {
        "succeeded", "general SOCKS server failure", "connection not allowed by ruleset", "network unreachable",
        "host unreachable", "connection refused", "TTL expired", "command not supported", "address type not supported",
    };

    private Socks5Codec() {}

    /** What a {@link Failure} is about, for the advice a user gets. */
    enum Cause {
        /** The bytes are not SOCKS5 as RFC 1928 or 1929 lays it out. */
        PROTOCOL,
        /** The proxy wants credentials it was not given, or refused the ones it was. */
        CREDENTIALS,
        /** The proxy answered CONNECT with a nonzero reply code. */
        REFUSED
    }

    /** The proxy broke the protocol or refused; the message is a fragment without secrets. */
    static final class Failure extends Exception {
        private final Cause cause;

        Failure(Cause cause, String message) {
            super(message, null, false, false);
            this.cause = cause;
        }

        Cause why() {
            return cause;
        }
    }

    /**
     * The method negotiation (RFC 1928 §3): no authentication, and username/password too when
     * there are credentials, so an open proxy still lets the client in.
     */
    static byte[] greeting(boolean credentials) {
        return credentials ? new byte[] {VERSION, 2, NO_AUTHENTICATION, USERNAME_PASSWORD}
                : new byte[] {VERSION, 1, NO_AUTHENTICATION};
    }

    /**
     * The method the proxy chose from {@link #greeting}'s offer.
     *
     * @return {@link #NO_AUTHENTICATION} or {@link #USERNAME_PASSWORD} (only when offered)
     */
    static int chosenMethod(byte[] reply, boolean credentials) throws Failure {
        requireLength(reply, METHOD_REPLY_LENGTH);
        requireVersion(reply[0], VERSION);
        int method = reply[1] & 0xff;
        if (method == NO_AUTHENTICATION || method == USERNAME_PASSWORD && credentials) {
            return method;
        }
        if (method == NO_ACCEPTABLE_METHOD) {
            throw new Failure(Cause.CREDENTIALS, credentials
                    ? "accepts neither no authentication nor a user name and password" : "wants a user name and password");
        }
        throw new Failure(Cause.PROTOCOL, "chose SOCKS5 method " + method + ", which was not offered");
    }

    /** The username/password request (RFC 1929 §2); the parser has checked both fit a byte. */
    static byte[] authRequest(String username, String password) {
        byte[] user = username.getBytes(StandardCharsets.UTF_8);
        byte[] pass = password.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(3 + user.length + pass.length);
        out.write(AUTH_VERSION);
        out.write(user.length);
        out.writeBytes(user);
        out.write(pass.length);
        out.writeBytes(pass);
        return out.toByteArray();
    }

    /** Checks the proxy accepted the user name and password (status 0). */
    static void authAccepted(byte[] reply) throws Failure {
        requireLength(reply, AUTH_REPLY_LENGTH);
        requireVersion(reply[0], AUTH_VERSION);
        if (reply[1] != 0) {
            throw new Failure(Cause.CREDENTIALS, "refused the user name and password");
        }
    }

    /**
     * The CONNECT request (RFC 1928 §4) to {@code ip}, or to the name {@code host} for the
     * proxy to resolve when {@code ip} is null.
     */
    static byte[] connectRequest(String host, InetAddress ip, int port) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(7 + host.length());
        out.write(VERSION);
        out.write(CONNECT);
        out.write(0);
        if (ip != null) {
            byte[] a = ip.getAddress();
            out.write(a.length == 4 ? ATYP_IPV4 : ATYP_IPV6);
            out.writeBytes(a);
        } else {
            byte[] name = host.getBytes(StandardCharsets.US_ASCII);
            out.write(ATYP_DOMAIN);
            out.write(name.length);
            out.writeBytes(name);
        }
        out.write(port >>> 8);
        out.write(port & 0xff);
        return out.toByteArray();
    }

    /**
     * The whole connect reply's length, from its first {@link #REPLY_HEAD_LENGTH} bytes (any
     * beyond are ignored); a refusal fails here, before the rest is read.
     */
    static int replyLength(byte[] head) throws Failure {
        if (head.length < REPLY_HEAD_LENGTH) {
            throw new Failure(Cause.PROTOCOL, "sent a SOCKS5 reply of " + head.length + " bytes");
        }
        requireVersion(head[0], VERSION);
        int code = head[1] & 0xff;
        if (code != 0) {
            String meaning = code < REPLY_MEANING.length ? REPLY_MEANING[code] : "unassigned reply code " + code;
            throw new Failure(Cause.REFUSED, meaning);
        }
        if (head[2] != 0) {
            throw new Failure(Cause.PROTOCOL, "sent a SOCKS5 reply with a nonzero reserved byte");
        }
        return switch (head[3] & 0xff) {
            case ATYP_IPV4 -> 4 + 4 + 2;
            case ATYP_IPV6 -> 4 + 16 + 2;
            case ATYP_DOMAIN -> 4 + 1 + (head[4] & 0xff) + 2;
            default -> throw new Failure(Cause.PROTOCOL, "sent a SOCKS5 reply with unknown address type " + (head[3] & 0xff));
        };
    }

    /**
     * Checks a whole successful connect reply, as {@link #replyLength} measured it.
     *
     * @return the bound port the proxy reported
     */
    static int boundPort(byte[] reply) throws Failure {
        requireLength(reply, replyLength(reply));
        return (reply[reply.length - 2] & 0xff) << 8 | reply[reply.length - 1] & 0xff;
    }

    private static void requireLength(byte[] reply, int length) throws Failure {
        if (reply.length != length) {
            throw new Failure(Cause.PROTOCOL, "sent a SOCKS5 reply of " + reply.length + " bytes where " + length + " belong");
        }
    }

    private static void requireVersion(byte version, int expected) throws Failure {
        if (version != expected) {
            throw new Failure(Cause.PROTOCOL, "does not speak SOCKS5 (version byte " + (version & 0xff) + " where "
                    + expected + " belongs)");
        }
    }
}
