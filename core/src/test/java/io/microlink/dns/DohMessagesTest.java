package io.microlink.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class DohMessagesTest {
    private static final InetSocketAddress EXIT = new InetSocketAddress(InetAddress.ofLiteral("100.64.0.7"), 41641);
    private static final byte[] MESSAGE = {0x12, 0x34, (byte) 0x81, (byte) 0x80, 0, 0, 0, 0, 0, 0, 0, 0};

    private static byte[] answer(String head, byte[] body) {
        byte[] h = head.getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = Arrays.copyOf(h, h.length + body.length);
        System.arraycopy(body, 0, all, h.length, body.length);
        return all;
    }

    private static byte[] read(byte[] response) throws IOException {
        return DohMessages.readAnswer(new ByteArrayInputStream(response));
    }

    @Test
    void theRequestPostsTheQueryAsADnsMessage() {
        String text = new String(DohMessages.request(EXIT, MESSAGE), StandardCharsets.ISO_8859_1);
        assertThat(text).startsWith("POST /dns-query HTTP/1.1\r\nHost: 100.64.0.7:41641\r\n")
                .contains("\r\nContent-Type: application/dns-message\r\n", "\r\nContent-Length: 12\r\n")
                .endsWith("\r\n\r\n" + new String(MESSAGE, StandardCharsets.ISO_8859_1));
    }

    @Test
    void theAnswerIsReadByLengthByChunksOrUntilClose() throws Exception {
        assertThat(read(answer("HTTP/1.1 200 OK\r\nContent-Type: application/dns-message\r\nContent-Length: 12\r\n\r\n",
                MESSAGE))).isEqualTo(MESSAGE);
        byte[] chunked = answer("HTTP/1.1 200 OK\r\ncontent-type: application/dns-message\r\nTransfer-Encoding: chunked"
                + "\r\n\r\n5\r\n", Arrays.copyOf(MESSAGE, 5));
        chunked = answer(new String(chunked, StandardCharsets.ISO_8859_1) + "\r\n7;x=y\r\n",
                Arrays.copyOfRange(MESSAGE, 5, 12));
        chunked = answer(new String(chunked, StandardCharsets.ISO_8859_1) + "\r\n0\r\n\r\n", new byte[0]);
        assertThat(read(chunked)).isEqualTo(MESSAGE);
        assertThat(read(answer("HTTP/1.0 200 OK\r\nContent-Type: application/dns-message\r\n\r\n", MESSAGE)))
                .isEqualTo(MESSAGE);
    }

    @Test
    void anythingButOneBoundedDnsMessageIsAnError() {
        String ok = "HTTP/1.1 200 OK\r\nContent-Type: application/dns-message\r\n";
        assertThatThrownBy(() -> read(answer("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n", new byte[0])))
                .hasMessage("DoH: status 403");
        assertThatThrownBy(() -> read(answer("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n", MESSAGE)))
                .hasMessageContaining("not a DNS message");
        assertThatThrownBy(() -> read(answer(ok + "Content-Length: 65536\r\n\r\n", MESSAGE)))
                .hasMessageContaining("content length");
        assertThatThrownBy(() -> read(answer(ok + "Content-Length: 20\r\n\r\n", MESSAGE)))
                .hasMessageContaining("closed inside the body");
        assertThatThrownBy(() -> read(answer(ok + "\r\n", new byte[70_000]))).hasMessageContaining("longer than one");
        assertThatThrownBy(() -> read(answer(ok + "Transfer-Encoding: chunked\r\n\r\nffff\r\n", new byte[0xFFFF + 2])))
                .hasMessageContaining("malformed chunked");
        assertThatThrownBy(() -> read(answer(ok + "Transfer-Encoding: chunked\r\n\r\n10000\r\n", new byte[10])))
                .hasMessageContaining("longer than one");
        assertThatThrownBy(() -> read(answer(ok + "X: " + "a".repeat(10_000) + "\r\n\r\n", MESSAGE)))
                .hasMessageContaining("head longer than");
        assertThatThrownBy(() -> read(answer("SSH-2.0-x\r\n\r\n", new byte[0]))).hasMessageContaining("not an HTTP/1");
    }

    @Test
    void aLongStatusIsRefusedWithoutRepeatingIt() {
        // The fuzz target's finding: a status of 120 digits came back whole in the message we log.
        String digits = "2" + "0".repeat(119);
        assertThatThrownBy(() -> read(answer("HTTP/1.1 " + digits + " OK\r\n\r\n", new byte[0])))
                .hasMessage("DoH: not an HTTP/1 response");
    }
}
