package io.microlink.daemon;

import io.microlink.StateException;
import io.microlink.daemon.cli.CliException;
import io.microlink.daemon.cli.OwnerOnlyFile;
import io.microlink.host.settings.NodeSettings;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The auth key the settings stand for, and what of it may stay saved. A key given inline is
 * used for one login and then dropped from {@code settings.json}: a secret kept on disk is a
 * secret to lose. A key file ({@code file:/PATH}) is read at each login and its name stays, so
 * a node that must register again later (key expiry, a reset of control) finds it there. A key
 * file its group or others may read or write is refused, as {@code up} refuses it.
 */
final class AuthKeys {
    private AuthKeys() {}

    /**
     * The key to log in with: the inline one, the key file's content, or null for none.
     *
     * @throws StateException naming the file (never its content) when it cannot be read, holds no
     *                        key, or its group or others may read or write it
     */
    static String keyOf(NodeSettings settings) throws StateException {
        Optional<Path> file = settings.authKeyFile();
        if (file.isEmpty()) {
            return settings.authKey();
        }
        String key;
        try {
            key = OwnerOnlyFile.readLine(file.get(), "auth key file");
        } catch (CliException e) {
            throw new StateException(e.getMessage());
        }
        if (key.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
            throw new StateException("the auth key file " + file.get() + " does not hold one key on one line");
        }
        return key;
    }

    /** Whether {@code settings} hold a key itself (not a file's name), which a successful login makes needless. */
    static boolean holdsInlineKey(NodeSettings settings) {
        return settings.authKey() != null && settings.authKeyFile().isEmpty();
    }
}
