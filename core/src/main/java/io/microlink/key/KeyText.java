package io.microlink.key;

import java.util.HexFormat;

/**
 * The {@code prefix + 64 hex digits} text form shared by all key types, and the wording of its
 * parse errors. Errors for secret text never include the text; errors for public text may quote
 * it, truncated, because that is what a person fixing a config file needs to see.
 */
final class KeyText {
    static final int KEY_LENGTH = 32;
    private static final int HEX_DIGITS = 2 * KEY_LENGTH;
    private static final int QUOTE_LIMIT = 80;
    private static final int MAX_PREFIX_SCAN = 16;
    private static final String NOT_SHOWN = " (input not shown)";
    private static final HexFormat HEX = HexFormat.of();

    private KeyText() {}

    static String format(String prefix, byte[] key) {
        return prefix + HEX.formatHex(key);
    }

    /**
     * Decodes the key after {@code prefix}, accepting either hex case.
     *
     * @param what names the expected key in messages, e.g. "node public key"
     * @param secret whether the text is private key material that messages must not repeat
     */
    static byte[] parse(String text, String prefix, String what, boolean secret) {
        if (!text.startsWith(prefix)) {
            throw new KeyFormatException(what + " text must start with \"" + prefix + "\", "
                    + (secret ? "but does not" + NOT_SHOWN : describePrefix(text)));
        }
        int digits = text.length() - prefix.length();
        if (digits != HEX_DIGITS) {
            throw new KeyFormatException(what + " text must have " + HEX_DIGITS
                    + " hex digits after \"" + prefix + "\", got " + digits
                    + context(text, secret));
        }
        for (int i = prefix.length(); i < text.length(); i++) {
            char c = text.charAt(i);
            if (!HexFormat.isHexDigit(c)) {
                String which = secret ? "a non-hex character" : "non-hex character '" + c + "'";
                throw new KeyFormatException(
                        what + " text has " + which + " at index " + i + context(text, secret));
            }
        }
        return HEX.parseHex(text, prefix.length(), text.length());
    }

    /** The part of a wrong-prefix message that says what was found instead. */
    static String describePrefix(String text) {
        if (text.startsWith(PrivateKey.TEXT_PREFIX)) {
            return "but got a private key" + NOT_SHOWN;
        }
        int colon = text.indexOf(':');
        if (colon < 0 || colon > MAX_PREFIX_SCAN) {
            // Not quoted: untyped hex here may well be a private key pasted into the wrong field.
            return "but found no type prefix";
        }
        return "but found prefix \"" + text.substring(0, colon + 1) + "\"";
    }

    private static String context(String text, boolean secret) {
        return secret ? NOT_SHOWN : ": " + quote(text);
    }

    private static String quote(String text) {
        return text.length() <= QUOTE_LIMIT
                ? "\"" + text + "\""
                : "\"" + text.substring(0, QUOTE_LIMIT) + "…\" (" + text.length() + " chars)";
    }
}
