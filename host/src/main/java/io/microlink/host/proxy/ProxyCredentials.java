package io.microlink.host.proxy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;

/**
 * The username and password a local proxy asks its clients for: SOCKS5's username/password
 * method (RFC 1929) and HTTP's {@code Proxy-Authorization: Basic} (RFC 7617). Only digests
 * are kept, and a client's answer is compared with them in time that does not depend on how
 * much of it was right. The password never appears in {@link #toString()}.
 *
 * <pre>{@code
 * ProxySettings s = ProxySettings.onPort(1080).withCredentials(ProxyCredentials.of("alice", password));
 * }</pre>
 */
public final class ProxyCredentials {
    /** RFC 1929 gives each of username and password one length byte. */
    public static final int MAX_BYTES = 255;

    private final String username;
    private final byte[] usernameDigest;
    private final byte[] passwordDigest;

    private ProxyCredentials(String username, String password) {
        this.username = username;
        this.usernameDigest = sha256(username.getBytes(StandardCharsets.UTF_8));
        this.passwordDigest = sha256(password.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * @param username 1-{@value #MAX_BYTES} bytes of UTF-8, no control characters and no ':' (HTTP Basic
     *                 ends the username at the first colon)
     * @param password 1-{@value #MAX_BYTES} bytes of UTF-8, no control characters
     * @throws IllegalArgumentException if either is out of those bounds (the message never quotes the password)
     */
    public static ProxyCredentials of(String username, String password) {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        String problem = usernameProblem(username);
        if (problem == null) {
            problem = passwordProblem(password);
        }
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        return new ProxyCredentials(username, password);
    }

    /** Why {@code username} cannot be a proxy username, or null when it can. */
    public static String usernameProblem(String username) {
        int bytes = username.getBytes(StandardCharsets.UTF_8).length;
        if (bytes < 1 || bytes > MAX_BYTES || hasControl(username)) {
            return "the proxy username must be 1-" + MAX_BYTES + " bytes without control characters";
        }
        return username.indexOf(':') >= 0 ? "the proxy username must not contain ':'" : null;
    }

    /** Why {@code password} cannot be a proxy password, or null when it can; never quotes it. */
    public static String passwordProblem(String password) {
        int bytes = password.getBytes(StandardCharsets.UTF_8).length;
        return bytes < 1 || bytes > MAX_BYTES || hasControl(password)
                ? "the proxy password must be 1-" + MAX_BYTES + " bytes without control characters" : null;
    }

    public String username() {
        return username;
    }

    /** Whether a client's username and password (as bytes on the wire, UTF-8) are these, in constant time. */
    boolean matches(byte[] clientUsername, byte[] clientPassword) {
        // Both digests are always compared, so the time says nothing about which one was wrong.
        boolean user = MessageDigest.isEqual(usernameDigest, sha256(clientUsername));
        boolean password = MessageDigest.isEqual(passwordDigest, sha256(clientPassword));
        return user & password;
    }

    private static boolean hasControl(String s) {
        return s.chars().anyMatch(Character::isISOControl);
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return "ProxyCredentials[username=" + username + ", password=(hidden)]";
    }
}
