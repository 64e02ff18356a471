package io.microlink.control;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.microlink.control.noise.ControlProtocolException;
import io.microlink.http.PeerText;
import io.microlink.key.KeyKind;
import io.microlink.key.PublicKey;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;

/** Control's answer to {@code GET /key} is untrusted bytes from the network ({@link ServerKeyFetch#answer}). */
class ServerKeyFetchFuzzTest {
    private static final URI SERVER = URI.create("https://control.example");
    // The longest message: a prefix of under 100 characters, control's text (an error body, a
    // JSON parser's complaint) cut at PeerText's 256 characters, each escaped to at most 6
    // ("\u0000"), and the note of how many more there were. The first bound tried, 512, was
    // the fuzzer's first finding: a 404 whose body is NULs (crash-14f03a79...).
    private static final int MAX_MESSAGE = 100 + 6 * PeerText.DEFAULT_MAX + 40;

    /**
     * Any answer gives a machine key, or a {@link ControlProtocolException} whose message is one
     * bounded line free of control and format characters (it is logged and shown as the node's
     * state); nothing else escapes.
     */
    @FuzzTest
    void answer(byte[] response) {
        try {
            PublicKey key = ServerKeyFetch.answer(new ByteArrayInputStream(response), SERVER);
            assertThat(key.kind()).isEqualTo(KeyKind.MACHINE);
        } catch (ControlProtocolException e) {
            assertThat(e.getMessage()).startsWith("GET /key").hasSizeLessThanOrEqualTo(MAX_MESSAGE);
            assertThat(e.getMessage().chars()).noneMatch(c -> Character.isISOControl(c)
                    || Character.getType(c) == Character.FORMAT);
        } catch (IOException e) {
            throw new AssertionError("a byte array failed with another type than ControlProtocolException", e);
        }
    }
}
