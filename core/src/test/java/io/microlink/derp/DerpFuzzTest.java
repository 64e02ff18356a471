package io.microlink.derp;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.microlink.key.KeyKind;
import io.microlink.key.PrivateKey;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;

class DerpFuzzTest {
    private static final PrivateKey NODE = PrivateKey.generate(KeyKind.NODE);

    /**
     * A DERP server's byte stream reads as whole frames, never larger than the limit and never
     * more than the stream held, until a clean end or an IOException (EOF or DerpProtocolException).
     */
    @FuzzTest
    void readFrames(byte[] stream) {
        ByteArrayInputStream in = new ByteArrayInputStream(stream);
        long framed = 0;
        try {
            for (DerpFrame f; (f = DerpFrame.read(in)) != null; ) {
                assertThat(f.payload().length).isLessThanOrEqualTo(DerpFrame.MAX_PAYLOAD);
                framed += DerpFrame.HEADER_LENGTH + f.payload().length;
            }
            assertThat(framed).isEqualTo(stream.length);
        } catch (EOFException | DerpProtocolException expected) {
            assertThat(framed).isLessThan(stream.length);
        } catch (IOException e) {
            throw new AssertionError("only EOF and DERP protocol errors are expected from a byte array", e);
        }
    }

    /** read(encode(type, payload)) gives back the frame, for any type and payload within the limit. */
    @FuzzTest
    void roundTrip(FuzzedDataProvider data) throws IOException {
        int type = data.consumeInt(0, 255);
        byte[] payload = data.consumeRemainingAsBytes();
        DerpFrame f = DerpFrame.read(new ByteArrayInputStream(DerpFrame.encode(type, payload)));
        assertThat(f.type()).isEqualTo(type);
        assertThat(f.payload()).isEqualTo(payload);
    }

    /** The server's handshake frames (ServerKey, then ServerInfo) are refused only with DerpProtocolException. */
    @FuzzTest
    void handshake(byte[] stream) {
        DerpHandshake hs = new DerpHandshake(NODE);
        ByteArrayInputStream in = new ByteArrayInputStream(stream);
        try {
            DerpFrame serverKey = DerpFrame.read(in);
            DerpFrame serverInfo = DerpFrame.read(in);
            if (serverKey != null && serverInfo != null) {
                assertThat(hs.clientInfo(serverKey)).isNotEmpty();
                hs.checkServerInfo(serverInfo);
            }
        } catch (EOFException | DerpProtocolException expected) {
            // the declared failures
        } catch (IOException e) {
            throw new AssertionError("only EOF and DERP protocol errors are expected from a byte array", e);
        }
    }
}
