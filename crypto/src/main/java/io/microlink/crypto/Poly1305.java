package io.microlink.crypto;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The Poly1305 one-time authenticator of RFC 8439 §2.5, in two 64-bit limbs plus a small top
 * limb, with {@link Math#unsignedMultiplyHigh} for the 128-bit products and the reduction
 * folded into the multiplication (the radix-2^64 method of OpenSSL's and poly1305-donna's
 * 64-bit code).
 *
 * <p>Why our own: on CPUs without AVX-512 the JDK's Poly1305 has no intrinsic and runs generic
 * field arithmetic in 26-bit limbs, which profiles showed to be most of the AEAD's cost. Two
 * 64×64→128 products per limb pair need far fewer multiplications per 16-byte block.
 *
 * <p>One instance is reused: {@link #init} with a fresh one-time key, absorb, {@link #finish}.
 * Not thread-safe.
 *
 * <pre>{@code
 * Poly1305 mac = new Poly1305();
 * mac.init(oneTimeKey32, 0);
 * mac.updatePadded(aad, 0, aad.length);   // RFC 8439 §2.8: aad | pad16
 * mac.finish(tag16, 0);
 * }</pre>
 */
final class Poly1305 {
    /** Length in bytes of the one-time key. */
    static final int KEY_LENGTH = 32;
    /** Length in bytes of the tag. */
    static final int TAG_LENGTH = 16;

    private static final VarHandle LE64 =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long CLAMP0 = 0x0FFFFFFC0FFFFFFFL;
    private static final long CLAMP1 = 0x0FFFFFFC0FFFFFFCL;

    private final byte[] last = new byte[16];
    private long r0;
    private long r1;
    private long s0;
    private long s1;
    private long h0;
    private long h1;
    private long h2;

    /** Starts a new tag under the 32-byte one-time key {@code key[off .. off+32)}. */
    void init(byte[] key, int off) {
        r0 = (long) LE64.get(key, off) & CLAMP0;
        r1 = (long) LE64.get(key, off + 8) & CLAMP1;
        s0 = (long) LE64.get(key, off + 16);
        s1 = (long) LE64.get(key, off + 24);
        h0 = 0;
        h1 = 0;
        h2 = 0;
    }

    /**
     * Absorbs {@code len} bytes as if followed by zeros up to a multiple of 16: the
     * {@code x | pad16(x)} of RFC 8439 §2.8, where every 16-byte block gets the high bit.
     */
    void updatePadded(byte[] in, int off, int len) {
        absorb(in, off, len, false);
    }

    /** Absorbs the closing block of RFC 8439 §2.8: le64(aad length) | le64(ciphertext length). */
    void updateLengths(long aadLen, long ctLen) {
        LE64.set(last, 0, aadLen);
        LE64.set(last, 8, ctLen);
        blocks(last, 0, 1, 1);
    }

    /**
     * Absorbs a whole message of RFC 8439 §2.5 and ends it: a partial last block is padded with
     * one 0x01 byte and zeros, and gets no high bit.
     */
    void updateMessage(byte[] in, int off, int len) {
        absorb(in, off, len, true);
    }

    /**
     * The whole 16-byte blocks of {@code in}, then a partial last one zero-padded: with the high
     * bit (§2.8's pad16), or, for a message's end ({@code closing}), a 0x01 after it and no high bit (§2.5).
     */
    private void absorb(byte[] in, int off, int len, boolean closing) {
        int full = len >>> 4;
        blocks(in, off, full, 1);
        int rest = len & 15;
        if (rest > 0) {
            Arrays.fill(last, (byte) 0);
            System.arraycopy(in, off + (full << 4), last, 0, rest);
            if (closing) {
                last[rest] = 1;
            }
            blocks(last, 0, 1, closing ? 0 : 1);
        }
    }

    /** Writes the 16-byte tag to {@code out[off ..]}; the instance needs {@link #init} again. */
    void finish(byte[] out, int off) {
        long a0 = h0;
        long a1 = h1;
        long a2 = h2;
        // h - p with p = 2^130 - 5; keep it when there is no borrow, i.e. when h >= p.
        long d0 = a0 + 5;
        long borrow = borrowOfSub(a0, 0xFFFFFFFFFFFFFFFBL, d0);
        long d1 = a1 + 1 - borrow; // a1 - 0xFFFF..FF - borrow
        borrow = borrowOfSub(a1, -1L, d1);
        long d2 = a2 - 3 - borrow;
        borrow = borrowOfSub(a2, 3, d2);
        long keep = borrow - 1; // all ones when there was no borrow: take h - p
        a0 = (a0 & ~keep) | (d0 & keep);
        a1 = (a1 & ~keep) | (d1 & keep);
        long t0 = a0 + s0;
        long carry = carryOfAdd(a0, s0, t0);
        long t1 = a1 + s1 + carry;
        LE64.set(out, off, t0);
        LE64.set(out, off + 8, t1);
        h0 = 0;
        h1 = 0;
        h2 = 0;
    }

    /** One-shot tag of {@code msg} under {@code key32}, RFC 8439 §2.5. */
    static byte[] mac(byte[] key32, byte[] msg) {
        Poly1305 p = new Poly1305();
        p.init(Lengths.require(key32, KEY_LENGTH, "Poly1305 key"), 0);
        p.updateMessage(msg, 0, msg.length);
        byte[] tag = new byte[TAG_LENGTH];
        p.finish(tag, 0);
        return tag;
    }

    /** Absorbs {@code n} 16-byte blocks, each with {@code hibit} (1 or 0) as bit 128. */
    private void blocks(byte[] in, int off, int n, long hibit) {
        long a0 = h0;
        long a1 = h1;
        long a2 = h2;
        final long k0 = r0;
        final long k1 = r1;
        // Clamping leaves k1 a multiple of 4, so a product's part at 2^128, a1*k1, equals
        // a1*(k1/4)*2^130 ≡ a1*(k1/4)*5 = a1*s1 (mod p): the reduction folds into the
        // multiplication, and what is left over is reduced lazily, as in OpenSSL's 64-bit code.
        final long s1 = k1 + (k1 >>> 2);
        for (int i = 0; i < n; i++, off += 16) {
            long m0 = (long) LE64.get(in, off);
            long m1 = (long) LE64.get(in, off + 8);
            long t = a0 + m0;
            long c = carryOfAdd(a0, m0, t);
            a0 = t;
            t = a1 + m1 + c;
            c = carryOfAdd(a1, m1, t);
            a1 = t;
            a2 += c + hibit;

            // a = [a0 a1 a2] with a2 <= 6; k0, k1 < 2^60 and s1 < 2^61, so every sum below fits
            // its 128 bits and a2*s1, a2*k0 fit 64.
            // d0 = a0*k0 + a1*s1
            long pLo = a0 * k0;
            long pHi = Math.unsignedMultiplyHigh(a0, k0);
            long qLo = a1 * s1;
            long qHi = Math.unsignedMultiplyHigh(a1, s1);
            long d0Lo = pLo + qLo;
            long d0Hi = pHi + qHi + carryOfAdd(pLo, qLo, d0Lo);
            // d1 = a0*k1 + a1*k0 + a2*s1 + (d0 >> 64)
            pLo = a0 * k1;
            pHi = Math.unsignedMultiplyHigh(a0, k1);
            qLo = a1 * k0;
            qHi = Math.unsignedMultiplyHigh(a1, k0);
            long d1Lo = pLo + qLo;
            long d1Hi = pHi + qHi + carryOfAdd(pLo, qLo, d1Lo);
            long extra = a2 * s1;
            t = d1Lo + extra;
            d1Hi += carryOfAdd(d1Lo, extra, t);
            d1Lo = t;
            t = d1Lo + d0Hi;
            d1Hi += carryOfAdd(d1Lo, d0Hi, t);
            d1Lo = t;
            // d2 = a2*k0 + (d1 >> 64): the bits from 2^128 up.
            long d2 = a2 * k0 + d1Hi;

            // Keep the low 130 bits and add 5 times what lies above them: (d2 >> 2) * 5.
            a0 = d0Lo;
            a1 = d1Lo;
            long fold = (d2 >>> 2) + (d2 & ~3L);
            a2 = d2 & 3;
            t = a0 + fold;
            c = carryOfAdd(a0, fold, t);
            a0 = t;
            t = a1 + c;
            c = carryOfAdd(a1, c, t);
            a1 = t;
            a2 += c;
        }
        h0 = a0;
        h1 = a1;
        h2 = a2;
    }

    /** The carry out of {@code sum = a + b (+ carry in)}, as 0 or 1, without a branch. */
    private static long carryOfAdd(long a, long b, long sum) {
        return ((a & b) | ((a | b) & ~sum)) >>> 63;
    }

    /** The borrow out of {@code diff = a - b (- borrow in)}, as 0 or 1, without a branch. */
    private static long borrowOfSub(long a, long b, long diff) {
        return ((~a & b) | (~(a ^ b) & diff)) >>> 63;
    }
}
