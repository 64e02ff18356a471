package io.microlink.host.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;

class ProxyHttpFuzzTest {
    private static final int LIMIT = 2048;

    /**
     * The HTTP proxy's request head, as any bytes, becomes a proxy request with a host and a
     * port in range, or an HttpError with a 4xx status for the client, or EOF; nothing else.
     */
    @FuzzTest
    void head(byte[] stream) {
        try {
            ByteArrayInputStream in = new ByteArrayInputStream(stream);
            ProxyHttp.Head head = ProxyHttp.readHead(in, LIMIT);
            // The head is what was read from the stream but handed back neither as the rest of the
            // last read nor left unread in the stream (the reader reads in chunks).
            assertThat(stream.length - in.available() - head.rest().length).isLessThanOrEqualTo(LIMIT);
            ProxyHttp.Request r = ProxyHttp.parse(head.request());
            assertThat(r.host()).isNotEmpty();
            assertThat(r.port()).isBetween(1, 65535);
        } catch (ProxyHttp.HttpError expected) {
            assertThat(expected.status()).isBetween(400, 499);
        } catch (EOFException expected) {
            assertThat(stream).isEmpty();
        } catch (IOException e) {
            throw new AssertionError("unexpected failure type from a byte array", e);
        }
    }
}
