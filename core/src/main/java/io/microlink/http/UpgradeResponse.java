package io.microlink.http;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The head of an HTTP/1.1 response to an {@code Upgrade} request (ts2021, DERP), read byte by
 * byte so not one byte of the upgraded protocol that follows is consumed.
 *
 * <pre>{@code
 * UpgradeResponse r = UpgradeResponse.read(in);
 * if (!r.switched("DERP")) throw new IOException("no upgrade: " + r.statusLine());
 * }</pre>
 */
public record UpgradeResponse(String statusLine, List<String> headers) {
    static final int MAX_HEAD = 16 * 1024;

    public static UpgradeResponse read(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!endsWithBlankLine(head.toByteArray())) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed during the HTTP upgrade"
                        + (head.size() > 0 ? ": " + head.toString(StandardCharsets.ISO_8859_1).strip() : ""));
            }
            if (head.size() >= MAX_HEAD) {
                throw new IOException("HTTP upgrade response head exceeds " + MAX_HEAD + " bytes");
            }
            head.write(b);
        }
        String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
        return new UpgradeResponse(lines[0], List.of(Arrays.copyOfRange(lines, 1, lines.length)));
    }

    /** Whether this is {@code 101 Switching Protocols} to {@code protocol}. */
    public boolean switched(String protocol) {
        return statusLine.matches("HTTP/1\\.[01] 101( .*)?")
                && header("upgrade").map(v -> v.equalsIgnoreCase(protocol)).orElse(false);
    }

    public Optional<String> header(String name) {
        String prefix = name.toLowerCase(Locale.ROOT) + ":";
        return headers.stream().filter(h -> h.toLowerCase(Locale.ROOT).startsWith(prefix))
                .map(h -> h.substring(prefix.length()).strip()).findFirst();
    }

    private static boolean endsWithBlankLine(byte[] b) {
        int n = b.length;
        return n >= 4 && b[n - 4] == '\r' && b[n - 3] == '\n' && b[n - 2] == '\r' && b[n - 1] == '\n';
    }
}
