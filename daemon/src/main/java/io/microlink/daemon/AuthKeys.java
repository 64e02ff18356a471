package io.microlink.daemon;

import io.microlink.StateException;
import io.microlink.host.settings.NodeSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The auth key the settings stand for, and what of it may stay saved. A key given inline is
 * used for one login and then dropped from {@code settings.json}: a secret kept on disk is a
 * secret to lose. A key file ({@code file:/PATH}) is read at each login and its name stays, so
 * a node that must register again later (key expiry, a reset of control) finds it there.
 */
final class AuthKeys {
    /** A key file longer than this is not an auth key (tailscale's are about 60 characters). */
    private static final long MAX_FILE_BYTES = 4096;

    private AuthKeys() {}

    /**
     * The key to log in with: the inline one, the key file's content, or null for none.
     *
     * @throws StateException naming the file (never its content) when it cannot be read or holds no key
     */
    static String keyOf(NodeSettings settings) throws StateException {
        Optional<Path> file = settings.authKeyFile();
        if (file.isEmpty()) {
            return settings.authKey();
        }
        Path path = file.get();
        try {
            if (Files.size(path) > MAX_FILE_BYTES) {
                throw new StateException("the auth key file " + path + " is larger than " + MAX_FILE_BYTES
                        + " bytes; it should hold just the key");
            }
            String key = Files.readString(path, StandardCharsets.UTF_8).strip();
            if (key.isEmpty() || key.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
                throw new StateException("the auth key file " + path + " does not hold one key on one line");
            }
            return key;
        } catch (NoSuchFileException e) {
            throw new StateException("no auth key file at " + path);
        } catch (StateException e) {
            throw e;
        } catch (IOException e) {
            throw new StateException("cannot read the auth key file " + path + ": " + e.getMessage());
        }
    }

    /** Whether {@code settings} hold a key itself (not a file's name), which a successful login makes needless. */
    static boolean holdsInlineKey(NodeSettings settings) {
        return settings.authKey() != null && settings.authKeyFile().isEmpty();
    }
}
