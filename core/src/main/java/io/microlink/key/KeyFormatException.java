package io.microlink.key;

/**
 * Key text that cannot be parsed. The message says what was expected and what was found; for
 * private keys it never repeats any part of the input.
 *
 * <pre>{@code
 * try {
 *     PublicKey.parse(KeyKind.NODE, userInput);
 * } catch (KeyFormatException e) {
 *     System.err.println("bad node key: " + e.getMessage());
 * }
 * }</pre>
 */
public final class KeyFormatException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /**
     * A key's text form that cannot be parsed.
     *
     * @param message what was expected and what was wrong; never private key material
     */
    public KeyFormatException(String message) {
        super(message);
    }
}
