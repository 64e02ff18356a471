package io.microlink.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

class Socks5CodecFuzzTest {
    /**
     * Any bytes from a proxy, cut as the tunnel reads them (method reply, status, reply head, the
     * rest), either pass each step or fail with {@link Socks5Codec.Failure} whose message is one
     * printable line without the password; a reply length is always within the bound that lets
     * the client read it without reading past it.
     */
    @FuzzTest
    void replies(FuzzedDataProvider data) {
        boolean credentials = data.consumeBoolean();
        try {
            int method = Socks5Codec.chosenMethod(data.consumeBytes(Socks5Codec.METHOD_REPLY_LENGTH), credentials);
            assertThat(method == Socks5Codec.NO_AUTHENTICATION || credentials && method == Socks5Codec.USERNAME_PASSWORD)
                    .isTrue();
            if (method == Socks5Codec.USERNAME_PASSWORD) {
                Socks5Codec.authAccepted(data.consumeBytes(Socks5Codec.AUTH_REPLY_LENGTH));
            }
            byte[] head = data.consumeBytes(Socks5Codec.REPLY_HEAD_LENGTH);
            int length = Socks5Codec.replyLength(head);
            assertThat(length).isBetween(Socks5Codec.REPLY_HEAD_LENGTH, Socks5Codec.MAX_REPLY_LENGTH);
            byte[] rest = data.consumeBytes(length - head.length);
            byte[] reply = java.util.Arrays.copyOf(head, head.length + rest.length);
            System.arraycopy(rest, 0, reply, head.length, rest.length);
            assertThat(Socks5Codec.boundPort(reply)).isBetween(0, 65535);
        } catch (Socks5Codec.Failure e) {
            assertThat(e.getMessage()).isNotEmpty().doesNotContain("\n", "\r").hasSizeLessThan(120);
        }
    }
}
