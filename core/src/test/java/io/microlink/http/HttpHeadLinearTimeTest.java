package io.microlink.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/**
 * The head reader does work in proportion to the head, however it arrives: a maximal head fed
 * one byte at a time (as a slow or hostile peer sends it) costs a bounded number of byte
 * examinations per byte, counted by the reader itself rather than timed. A reader that scanned
 * what it had so far for the end of the head on each arrival would do quadratic work here.
 */
class HttpHeadLinearTimeTest {
    /** Examinations per head byte we allow: each byte is taken once, scanned a few times in its line, and copied once or twice. */
    private static final int PER_BYTE = 8;

    @Test
    void oneMaximalFieldLineFedByteByByteCostsLinearWork() throws Exception {
        checkLinear(n -> status("HTTP/1.1 101 Switching Protocols\r\nX-Pad: ", n), true);
    }

    @Test
    void theMostFieldsAllowedFedByteByByteCostLinearWork() throws Exception {
        checkLinear(n -> {
            StringBuilder sb = new StringBuilder("HTTP/1.1 101 Switching Protocols\r\n");
            int each = (n - sb.length() - 2) / HttpHeadReader.Limits.DEFAULT_MAX_FIELDS;
            for (int i = 0; i < HttpHeadReader.Limits.DEFAULT_MAX_FIELDS; i++) {
                String name = "F" + i + ": ";
                sb.append(name).append("v".repeat(each - name.length() - 2)).append("\r\n");
            }
            return sb.append("\r\n").toString();
        }, false);
    }

    @Test
    void theUpgradeResponsesOwnLimitIsReachedInLinearWork() throws Exception {
        int max = UpgradeResponse.LIMITS.maxHeadBytes();
        String head = status("HTTP/1.1 101 Switching Protocols\r\nUpgrade: DERP\r\nX-Pad: " + "p".repeat(8150)
                + "\r\nX-Pad2: ", max); // two lines within the 8 KiB line limit fill the 16 KiB head
        assertThat(feedByteByByte(head, UpgradeResponse.LIMITS)).isLessThanOrEqualTo((long) PER_BYTE * max);
    }

    /** Heads of 16, 64 and 256 KiB: the work per byte stays under the bound and does not grow with the size. */
    private static void checkLinear(IntFunction<String> headOfSize, boolean longLines) throws Exception {
        long previousPerByte = -1;
        for (int n : new int[] {16 << 10, 64 << 10, 256 << 10}) {
            String head = headOfSize.apply(n);
            HttpHeadReader.Limits limits = longLines ? new HttpHeadReader.Limits(n, n, HttpHeadReader.Limits.DEFAULT_MAX_FIELDS)
                    : HttpHeadReader.Limits.of(n);
            long work = feedByteByByte(head, limits);
            assertThat(work).isLessThanOrEqualTo((long) PER_BYTE * head.length());
            long perByte = work / head.length();
            if (previousPerByte >= 0) {
                assertThat(perByte).isLessThanOrEqualTo(previousPerByte + 1);
            }
            previousPerByte = perByte;
        }
    }

    /** Feeds {@code head} one byte per call and returns the reader's work once it is complete, at its last byte. */
    private static long feedByteByByte(String head, HttpHeadReader.Limits limits) throws Exception {
        byte[] b = head.getBytes(StandardCharsets.ISO_8859_1);
        assertThat(b.length).isLessThanOrEqualTo(limits.maxHeadBytes());
        HttpHeadReader<HttpHead.Status> reader = HttpHeadReader.forStatus(limits);
        for (int i = 0; i < b.length; i++) {
            assertThat(reader.complete()).isFalse();
            assertThat(reader.feed(b, i, 1)).isEqualTo(1);
        }
        assertThat(reader.complete()).isTrue();
        return reader.work();
    }

    /** {@code prefix} padded with one field value so that the whole head is exactly {@code size} bytes. */
    private static String status(String prefix, int size) {
        return prefix + "p".repeat(size - prefix.length() - 4) + "\r\n\r\n";
    }
}
