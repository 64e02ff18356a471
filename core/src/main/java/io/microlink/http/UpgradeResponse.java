package io.microlink.http;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * The head of an HTTP/1.1 response to an {@code Upgrade} request (ts2021, DERP), read byte by
 * byte so not one byte of the upgraded protocol that follows is consumed.
 *
 * <pre>{@code
 * UpgradeResponse r = UpgradeResponse.read(in);
 * if (!r.switched("DERP")) throw new IOException("no upgrade: " + r.statusLine());
 * }</pre>
 */
public record UpgradeResponse(HttpHead.Status head) {
    static final HttpHeadReader.Limits LIMITS = HttpHeadReader.Limits.of(16 * 1024);

    /**
     * @throws HttpHeadException for a response that is not HTTP/1.1 or breaks a limit
     * @throws EOFException      when the connection closes before the head is complete
     */
    public static UpgradeResponse read(InputStream in) throws IOException {
        HttpHead.Status head = HttpHeadReader.readStatus(in, LIMITS);
        if (head == null) {
            throw new EOFException("connection closed before the HTTP upgrade response");
        }
        return new UpgradeResponse(head);
    }

    /** Whether this is {@code 101 Switching Protocols} to {@code protocol}. */
    public boolean switched(String protocol) {
        return head.status() == 101 && head.field("upgrade").map(v -> v.equalsIgnoreCase(protocol)).orElse(false);
    }

    public String statusLine() {
        return head.statusLine();
    }
}
