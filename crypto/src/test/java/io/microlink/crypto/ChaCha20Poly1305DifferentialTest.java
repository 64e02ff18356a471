package io.microlink.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * Our ChaCha20 + own-Poly1305 construction against the JDK's combined "ChaCha20-Poly1305" over
 * random keys, nonces and aad at every plaintext length 0..2000: equal output byte for byte,
 * and any tampering refused.
 */
class ChaCha20Poly1305DifferentialTest {
    @Test
    void sealMatchesTheJdkAndTamperingIsRefused() throws Exception {
        SplittableRandom random = new SplittableRandom(8439);
        Cipher jdk = Cipher.getInstance("ChaCha20-Poly1305");
        for (int len = 0; len <= 2000; len++) {
            byte[] key = bytes(random, ChaCha20Poly1305.KEY_LENGTH);
            byte[] nonce = bytes(random, ChaCha20Poly1305.NONCE_LENGTH);
            int aadLen = random.nextInt(-1, 70); // -1: no aad at all
            byte[] aad = aadLen < 0 ? null : bytes(random, aadLen);
            byte[] plaintext = bytes(random, len);

            jdk.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "ChaCha20"),
                    new IvParameterSpec(nonce));
            if (aad != null) {
                jdk.updateAAD(aad);
            }
            byte[] expected = jdk.doFinal(plaintext);
            ChaCha20Poly1305 ours = new ChaCha20Poly1305(key);
            byte[] sealed = ours.seal(nonce, aad, plaintext);
            assertThat(sealed).as("seal of %d bytes", len).isEqualTo(expected);
            assertThat(ours.open(nonce, aad, sealed)).isEqualTo(plaintext);

            byte[] badTag = sealed.clone();
            badTag[len + random.nextInt(ChaCha20Poly1305.TAG_LENGTH)] ^= (byte) (1 << random.nextInt(8));
            assertThatThrownBy(() -> ours.open(nonce, aad, badTag))
                    .isInstanceOf(AEADBadTagException.class);
            if (len > 0) {
                byte[] badText = sealed.clone();
                badText[random.nextInt(len)] ^= (byte) (1 << random.nextInt(8));
                assertThatThrownBy(() -> ours.open(nonce, aad, badText))
                        .isInstanceOf(AEADBadTagException.class);
            }
            byte[] otherAad = aad == null || aad.length == 0 ? new byte[1] : aad.clone();
            if (aad != null && aad.length > 0) {
                otherAad[random.nextInt(aad.length)] ^= (byte) (1 << random.nextInt(8));
            }
            assertThatThrownBy(() -> ours.open(nonce, otherAad, sealed))
                    .isInstanceOf(AEADBadTagException.class);
        }
    }

    private static byte[] bytes(SplittableRandom random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }
}
