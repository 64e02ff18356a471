package io.microlink.bench;

import io.microlink.crypto.ChaCha20Poly1305;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Packets per second of the WireGuard transport AEAD at the tunnel's packet size, one
 * thread: seal (send path), open (receive path), and both. Every seal uses a fresh
 * counter nonce, as a real session does (the JDK refuses a repeated key+nonce anyway).
 *
 * <p>{@code jdkSeal} and {@code jdkOpen} run the JDK's combined "ChaCha20-Poly1305" cipher the
 * way {@code ChaCha20Poly1305} used it before it got its own Poly1305: the same-run reference
 * that shows what the switch gains on this machine under this load.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ChaCha20Poly1305Bench {
    @Param({"1420"})
    int size;

    private ChaCha20Poly1305 aead;
    private byte[] plaintext;
    private byte[] sealed;
    private byte[] opened;
    private final byte[] sendNonce = new byte[ChaCha20Poly1305.NONCE_LENGTH];
    private final byte[] fixedNonce = new byte[ChaCha20Poly1305.NONCE_LENGTH];
    private byte[] sealedForOpen;
    private long counter;
    private SecretKeySpec jdkKey;
    private Cipher jdk;

    @Setup
    public void setUp() throws GeneralSecurityException {
        Random random = new Random(1);
        byte[] key = new byte[ChaCha20Poly1305.KEY_LENGTH];
        random.nextBytes(key);
        aead = new ChaCha20Poly1305(key);
        plaintext = new byte[size];
        random.nextBytes(plaintext);
        sealed = new byte[size + ChaCha20Poly1305.TAG_LENGTH];
        opened = new byte[size];
        fixedNonce[4] = 1; // differs from every send nonce of this run
        sealedForOpen = new ChaCha20Poly1305(key).seal(fixedNonce, null, plaintext);
        jdkKey = new SecretKeySpec(key, "ChaCha20");
        jdk = Cipher.getInstance("ChaCha20-Poly1305");
    }

    /** WireGuard's nonce: 4 zero bytes then the 64-bit counter, little-endian. */
    private byte[] nextNonce() {
        long c = ++counter;
        for (int i = 0; i < 8; i++) {
            sendNonce[4 + i] = (byte) (c >>> (8 * i));
        }
        return sendNonce;
    }

    @Benchmark
    public int seal() {
        return aead.seal(nextNonce(), null, plaintext, 0, size, sealed, 0);
    }

    @Benchmark
    public int open() throws AEADBadTagException {
        return aead.open(fixedNonce, null, sealedForOpen, 0, sealedForOpen.length, opened, 0);
    }

    @Benchmark
    public int sealThenOpen() throws AEADBadTagException {
        byte[] nonce = nextNonce();
        int n = aead.seal(nonce, null, plaintext, 0, size, sealed, 0);
        return aead.open(nonce, null, sealed, 0, n, opened, 0);
    }

    @Benchmark
    public int jdkSeal() throws GeneralSecurityException {
        jdk.init(Cipher.ENCRYPT_MODE, jdkKey, new IvParameterSpec(nextNonce()));
        return jdk.doFinal(plaintext, 0, size, sealed, 0);
    }

    @Benchmark
    public int jdkOpen() throws GeneralSecurityException {
        jdk.init(Cipher.DECRYPT_MODE, jdkKey, new IvParameterSpec(fixedNonce));
        return jdk.doFinal(sealedForOpen, 0, sealedForOpen.length, opened, 0);
    }
}
