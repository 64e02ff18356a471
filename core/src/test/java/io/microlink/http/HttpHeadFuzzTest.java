package io.microlink.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

class HttpHeadFuzzTest {
    private static final HttpHeadReader.Limits LIMITS = new HttpHeadReader.Limits(1024, 256, 8);

    /**
     * A request head within the limits parses to checked fields; anything else fails with
     * HttpHeadException or EOFException; a head read takes no byte beyond the limit, a refused
     * one at most the one byte that showed the limit passed.
     */
    @FuzzTest
    void request(byte[] bytes) {
        readWithin(bytes, HttpHeadReader::readRequest);
    }

    /** As {@link #request} for the status head of a response, as read after an upgrade request. */
    @FuzzTest
    void status(byte[] bytes) {
        readWithin(bytes, HttpHeadReader::readStatus);
    }

    /** One of the reader's entry points. */
    private interface HeadRead {
        HttpHead read(InputStream in, HttpHeadReader.Limits limits) throws IOException;
    }

    private static void readWithin(byte[] bytes, HeadRead read) {
        ByteArrayInputStream in = new ByteArrayInputStream(bytes);
        try {
            HttpHead head = read.read(in, LIMITS);
            if (head != null) {
                checkFields(head);
            }
            assertThat(bytes.length - in.available()).isLessThanOrEqualTo(LIMITS.maxHeadBytes());
        } catch (HttpHeadException | EOFException expected) {
            // The byte past the limit is read to find the head too large, and no more.
            assertThat(bytes.length - in.available()).isLessThanOrEqualTo(LIMITS.maxHeadBytes() + 1);
        } catch (IOException e) {
            throw new AssertionError("unexpected failure type from a byte array", e);
        }
    }

    private static void checkFields(HttpHead head) {
        assertThat(head.fields()).hasSizeLessThanOrEqualTo(LIMITS.maxFields());
        for (HttpHead.Field f : head.fields()) {
            assertThat(f.name()).isNotEmpty().doesNotContain(":", " ", "\r", "\n");
            assertThat(f.value().chars()).allMatch(c -> c == '\t' || (c >= 0x20 && c != 0x7F));
        }
    }
}
