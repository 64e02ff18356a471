package io.microlink.control.noise;

import java.util.Arrays;

/**
 * The optional first message a ts2021 server sends inside Noise, before HTTP/2: the magic
 * {@code FF FF FF 'T' 'S'}, a u32 BE length and that much JSON (today
 * {@code {"nodeKeyChallenge":"chalpub:…"}}). If the first bytes are not the magic they are
 * the start of the server's HTTP/2 stream and must be handed on untouched.
 */
public final class EarlyPayload {
    public static final int PREFIX_LENGTH = 9;
    static final int MAX_JSON = 10 << 20;
    private static final byte[] MAGIC = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 'T', 'S'};

    private EarlyPayload() {}

    /** Whether the first {@value #PREFIX_LENGTH} decrypted bytes announce an early payload. */
    public static boolean isEarlyPayload(byte[] prefix) {
        return prefix.length >= PREFIX_LENGTH && Arrays.equals(prefix, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
    }

    /** The JSON length announced by an early-payload prefix. */
    public static int jsonLength(byte[] prefix) throws ControlProtocolException {
        long len = ((prefix[5] & 0xFFL) << 24) | ((prefix[6] & 0xFFL) << 16) | ((prefix[7] & 0xFFL) << 8)
                | (prefix[8] & 0xFFL);
        if (len > MAX_JSON) {
            throw new ControlProtocolException("early payload of " + len + " bytes exceeds " + MAX_JSON);
        }
        return (int) len;
    }
}
