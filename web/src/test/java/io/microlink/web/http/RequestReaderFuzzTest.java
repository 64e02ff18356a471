package io.microlink.web.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;

class RequestReaderFuzzTest {
    private static final int MAX_HEAD = 2048;
    private static final int MAX_BODY = 4096;

    /**
     * Requests on a kept-alive connection, as any bytes, are read one after another until the
     * end, an HttpException with an error status for the client, or EOF inside a request; no
     * body is larger than its limit and no more is read than the stream held.
     */
    @FuzzTest
    void requests(byte[] stream) {
        ByteArrayInputStream in = new ByteArrayInputStream(stream);
        try {
            for (HttpRequest r; (r = RequestReader.read(in, MAX_HEAD, MAX_BODY, InetAddress.getLoopbackAddress(),
                    () -> { })) != null; ) {
                assertThat(r.body().length).isLessThanOrEqualTo(MAX_BODY);
                assertThat(r.path()).startsWith("/");
            }
        } catch (HttpException expected) {
            assertThat(expected.status()).isBetween(400, 505);
        } catch (EOFException expected) {
            // the stream ended inside a request
        } catch (IOException e) {
            throw new AssertionError("unexpected failure type from a byte array", e);
        }
    }
}
