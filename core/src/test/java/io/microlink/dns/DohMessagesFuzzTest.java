package io.microlink.dns;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** An exit node's DoH answer is untrusted bytes from a peer ({@link DohMessages#readAnswer}). */
class DohMessagesFuzzTest {
    private static final String DNS_TYPE = "Content-Type: application/dns-message\r\n";

    /**
     * Any byte stream gives one DNS message of at most 65535 bytes or an IOException whose
     * message is one short printable line (it is logged; it must not carry the peer's bytes).
     */
    @FuzzTest
    void answer(byte[] response) {
        try {
            byte[] body = DohMessages.readAnswer(new ByteArrayInputStream(response));
            assertThat(body.length).isLessThanOrEqualTo(DohMessages.MAX_BODY);
        } catch (IOException e) {
            assertThat(e.getMessage()).startsWith("DoH: ").hasSizeLessThanOrEqualTo(120)
                    .matches("[\\x20-\\x7E]*");
        }
    }

    /** A body framed by length, by chunks of fuzzer-chosen sizes or by the close reads back as sent. */
    @FuzzTest
    void framedBodyRoundTrip(FuzzedDataProvider data) throws IOException {
        int framing = data.consumeInt(0, 2);
        String extra = data.consumeBoolean() ? "Server: x" + data.consumeInt(0, 999) + "\r\n" : "";
        byte[] body = data.consumeBytes(data.consumeInt(0, DohMessages.MAX_BODY));
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        String head = "HTTP/1.1 200 OK\r\n" + extra + DNS_TYPE;
        switch (framing) {
            case 0 -> {
                wire.writeBytes((head + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                wire.writeBytes(body);
            }
            case 1 -> {
                wire.writeBytes((head + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                int at = 0;
                while (at < body.length) {
                    int n = Math.min(body.length - at, data.consumeInt(1, 4096));
                    wire.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    wire.write(body, at, n);
                    wire.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
                    at += n;
                }
                wire.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            default -> {
                wire.writeBytes((head + "\r\n").getBytes(StandardCharsets.US_ASCII));
                wire.writeBytes(body);
            }
        }
        assertThat(DohMessages.readAnswer(new ByteArrayInputStream(wire.toByteArray()))).isEqualTo(body);
    }
}
