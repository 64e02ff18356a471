package io.microlink.web;

import io.microlink.StateException;
import io.microlink.state.PrivateFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Set;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The credential of the web page's localhost listener. Arriving from 127.0.0.1 proves nothing
 * (every local user, and a tailnet peer forwarded by {@code serve} or a proxy, arrives from
 * there), so the local page asks for this token, as notebook servers do: 256 random bits,
 * kept in an owner-only file of the state directory, so exactly those who may use the daemon's
 * owner-only socket may read it. A browser hands it over once in the URL
 * ({@code ?token=...}) and gets a session cookie derived from it; scripts may send it as
 * {@code Authorization: Bearer ...}.
 *
 * <pre>{@code
 * WebToken token = WebToken.inDirectory(stateDir);     // created on first use
 * WebServer web = WebServer.start(backend, WebOptions.from(settings, token));
 * System.out.println(web.localUrl().orElseThrow());  // http://127.0.0.1:8088/?token=...
 * }</pre>
 */
public final class WebToken {
    /** The file in the state directory. */
    public static final String FILE_NAME = "web-token";
    private static final int BYTES = 32;
    /** At least 128 bits of base64url: what an older or hand-made file must still have. */
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_-]{22,128}");
    private static final Set<PosixFilePermission> OTHERS = EnumSet.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] value;
    private final byte[] session;

    private WebToken(String value) {
        this.value = value.getBytes(StandardCharsets.US_ASCII);
        this.session = derive(this.value);
    }

    /**
     * The token in {@code stateDir}, made and saved (atomically, owner-only) when there is none,
     * or when the one there is malformed or readable by others: a token anyone else could read
     * is no credential.
     *
     * @throws StateException when the directory or file cannot be read or written
     */
    public static WebToken inDirectory(Path stateDir) throws StateException {
        Path file = stateDir.resolve(FILE_NAME);
        try {
            String saved = Files.readString(file, StandardCharsets.US_ASCII).strip();
            if (VALID.matcher(saved).matches()
                    && Files.getPosixFilePermissions(file).stream().noneMatch(OTHERS::contains)) {
                return new WebToken(saved);
            }
        } catch (NoSuchFileException e) {
            // first use: made below
        } catch (IOException e) {
            throw new StateException("cannot read the web page's token " + file + ": " + e.getMessage());
        }
        WebToken fresh = random();
        PrivateFiles.writeAtomically(file, (fresh.text() + "\n").getBytes(StandardCharsets.US_ASCII));
        return fresh;
    }

    /** A token kept in memory only, for an embedder without a state directory; gone with the process. */
    public static WebToken random() {
        byte[] bytes = new byte[BYTES];
        RANDOM.nextBytes(bytes);
        return new WebToken(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
    }

    /** The token's text, for a URL or a header; a secret. */
    public String text() {
        return new String(value, StandardCharsets.US_ASCII);
    }

    /** Whether {@code candidate} is this token, in time independent of where they differ. */
    boolean matches(String candidate) {
        return candidate != null && MessageDigest.isEqual(value, candidate.getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * The session cookie's value: derived from the token, so it outlives a restart of the web
     * server (the page restarts its node, and with it this server) but not a new token.
     */
    String sessionValue() {
        return new String(session, StandardCharsets.US_ASCII);
    }

    boolean matchesSession(String candidate) {
        return candidate != null && MessageDigest.isEqual(session, candidate.getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] derive(byte[] token) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(token, "HmacSHA256"));
            byte[] tag = mac.doFinal("microlink web session".getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(tag).getBytes(StandardCharsets.US_ASCII);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
        }
    }

    @Override
    public String toString() {
        return "WebToken[(hidden)]";
    }
}
