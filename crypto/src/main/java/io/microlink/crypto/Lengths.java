package io.microlink.crypto;

import java.util.Objects;

/** Argument checks shared by the primitives, so every one fails with the same clear wording. */
final class Lengths {
    private Lengths() {}

    static byte[] require(byte[] value, int length, String name) {
        Objects.requireNonNull(value, name);
        if (value.length != length) {
            throw new IllegalArgumentException(
                    name + " must be " + length + " bytes, got " + value.length);
        }
        return value;
    }

    static void requireRange(byte[] buffer, int offset, int length, String name) {
        Objects.requireNonNull(buffer, name);
        if (offset < 0 || length < 0 || offset > buffer.length - length) {
            throw new IndexOutOfBoundsException(name + ": " + length + " bytes at offset " + offset
                    + " do not fit an array of " + buffer.length);
        }
    }
}
