package io.microlink.http;

import io.microlink.http.HttpHeadException.Problem;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads one HTTP/1.1 head (RFC 9112 §2-§5), a request's or a response's, strictly and within
 * {@link Limits}: the start line, the field lines, and the empty line that ends them. It is fed
 * bytes and stops at the head's last byte, so what follows (a body, a tunnel, an upgraded
 * protocol) is left to the caller. No sockets: {@link #readRequest}/{@link #readStatus} read
 * from any stream, {@link #feed} takes chunks.
 *
 * <p>What it refuses, with an {@link HttpHeadException} and never another exception: a line
 * not ended by CRLF (a bare LF or bare CR could end a line for one reader and not for the next,
 * RFC 9112 §2.2), an empty line before the start line, a start line not of the form
 * {@code method SP target SP HTTP/x.y} or {@code HTTP/x.y SP 3DIGIT [SP reason]}, a version other
 * than 1.0 and 1.1, a field name that is not a token or is followed by white space, obsolete
 * line folding, and control characters other than a tab in a field value. Memory is bounded by
 * {@link Limits#maxHeadBytes}: the bytes are checked as they arrive, one line at a time.
 *
 * <pre>{@code
 * HttpHead.Request r = HttpHeadReader.readRequest(in, HttpHeadReader.Limits.of(8 * 1024));
 * if (r == null) return;   // the stream ended before the first byte
 * }</pre>
 *
 * @param <H> the kind of head: {@link HttpHead.Request} or {@link HttpHead.Status}
 */
public final class HttpHeadReader<H extends HttpHead> {
    /**
     * @param maxHeadBytes every byte of the head, its final empty line included
     * @param maxLineBytes one line, its CRLF not counted
     * @param maxFields    header field lines
     */
    public record Limits(int maxHeadBytes, int maxLineBytes, int maxFields) {
        /** The longest line by default: what nginx and Apache take, and far more than browsers send. */
        public static final int DEFAULT_MAX_LINE_BYTES = 8 * 1024;
        /** The most field lines by default, as Apache's {@code LimitRequestFields}; browsers send about 20. */
        public static final int DEFAULT_MAX_FIELDS = 100;

        public Limits {
            if (maxHeadBytes < 1 || maxLineBytes < 1 || maxLineBytes > maxHeadBytes || maxFields < 0) {
                throw new IllegalArgumentException("HTTP head limits out of range: " + maxHeadBytes + " bytes, "
                        + maxLineBytes + " per line, " + maxFields + " fields");
            }
        }

        /** {@code maxHeadBytes} with the default line (at most the head) and field limits. */
        public static Limits of(int maxHeadBytes) {
            return new Limits(maxHeadBytes, Math.min(maxHeadBytes, DEFAULT_MAX_LINE_BYTES), DEFAULT_MAX_FIELDS);
        }
    }

    /** How much of the head's start a message may quote. */
    private static final int EXCERPT = 64;

    private final Class<H> kind;
    private final Limits limits;
    private final byte[] start = new byte[EXCERPT];
    private byte[] line = new byte[256];
    private int lineLength;
    private int lines;
    private int total;
    private boolean sawCr;
    private boolean failed;
    private String[] startLine;
    private final List<HttpHead.Field> fields = new ArrayList<>();
    private H head;
    /** Bytes examined or copied so far, for the test that holds the reader to linear time. */
    private long work;

    private HttpHeadReader(Class<H> kind, Limits limits) {
        this.kind = kind;
        this.limits = limits;
    }

    /** A reader of a request head: request line and fields. */
    public static HttpHeadReader<HttpHead.Request> forRequest(Limits limits) {
        return new HttpHeadReader<>(HttpHead.Request.class, limits);
    }

    /** A reader of a response head: status line and fields. */
    public static HttpHeadReader<HttpHead.Status> forStatus(Limits limits) {
        return new HttpHeadReader<>(HttpHead.Status.class, limits);
    }

    /**
     * Reads a request head byte by byte, so not one byte after it is taken from {@code in} (give
     * it a buffered stream when that stream is read on afterwards, or a socket's would cost a
     * system call a byte).
     *
     * @return the head, or null when the stream ended before its first byte (a client that closed
     *         a kept-alive connection)
     * @throws HttpHeadException for a head this reader refuses
     * @throws EOFException      when the stream ended inside the head
     */
    public static HttpHead.Request readRequest(InputStream in, Limits limits) throws IOException {
        return forRequest(limits).read(in);
    }

    /** {@link #readRequest} for a response head. */
    public static HttpHead.Status readStatus(InputStream in, Limits limits) throws IOException {
        return forStatus(limits).read(in);
    }

    private H read(InputStream in) throws IOException {
        byte[] one = new byte[1];
        while (head == null) {
            int b = in.read();
            if (b < 0) {
                if (total == 0) {
                    return null;
                }
                throw endOfStream();
            }
            one[0] = (byte) b;
            feed(one, 0, 1);
        }
        return head;
    }

    /**
     * Takes bytes until the head is complete.
     *
     * @return how many of the {@code len} bytes belong to the head; the rest follow it
     * @throws HttpHeadException at the first byte that breaks the syntax or a limit; the reader
     *                           is spent then
     */
    public int feed(byte[] b, int off, int len) throws HttpHeadException {
        if (failed) {
            throw new IllegalStateException("this HTTP head was refused already");
        }
        try {
            int i = 0;
            while (i < len && head == null) {
                take(b[off + i]);
                i++;
            }
            return i;
        } catch (HttpHeadException e) {
            failed = true;
            throw e;
        }
    }

    /** Whether the head is complete: {@link #head()} has it, and {@link #feed} takes no more. */
    public boolean complete() {
        return head != null;
    }

    /** Bytes examined or copied so far: what a test counts to hold the reader to linear time. */
    long work() {
        return work;
    }

    /** Bytes of the head taken so far. */
    public int bytesRead() {
        return total;
    }

    /** The complete head. */
    public H head() {
        if (head == null) {
            throw new IllegalStateException("the HTTP head is not complete");
        }
        return head;
    }

    /** What to throw when the input ends before the head does: names how far it got. */
    private EOFException endOfStream() {
        return new EOFException("connection closed inside an HTTP head after " + total + " bytes"
                + (total > 0 ? ": " + printable(start, Math.min(total, EXCERPT)) : ""));
    }

    private void take(byte b) throws HttpHeadException {
        work++;
        if (total == limits.maxHeadBytes()) {
            throw new HttpHeadException(Problem.TOO_LARGE, "the HTTP head is longer than " + limits.maxHeadBytes()
                    + " bytes");
        }
        if (total < EXCERPT) {
            start[total] = b;
        }
        total++;
        if (sawCr) {
            if (b != '\n') {
                throw malformed("a CR not followed by LF in line " + (lines + 1));
            }
            sawCr = false;
            endOfLine();
        } else if (b == '\r') {
            sawCr = true;
        } else if (b == '\n') {
            throw malformed("line " + (lines + 1) + " ends in a bare LF; HTTP/1.1 lines end in CRLF");
        } else {
            if (lineLength == limits.maxLineBytes()) {
                throw new HttpHeadException(Problem.TOO_LARGE, (lines == 0 ? "the start line" : "header line " + lines)
                        + " is longer than " + limits.maxLineBytes() + " bytes");
            }
            if (lineLength == line.length) {
                line = Arrays.copyOf(line, Math.min(line.length * 2, limits.maxLineBytes()));
                work += lineLength;
            }
            line[lineLength++] = b;
        }
    }

    private void endOfLine() throws HttpHeadException {
        lines++;
        int n = lineLength;
        lineLength = 0;
        if (startLine == null) {
            if (n == 0) {
                // RFC 9112 §2.2 lets a server skip empty lines here; we refuse them, as before.
                throw malformed("an empty line where the start line should be");
            }
            startLine = kind == HttpHead.Request.class ? requestLine(n) : statusLine(n);
        } else if (n == 0) {
            head = kind.cast(kind == HttpHead.Request.class
                    ? new HttpHead.Request(startLine[0], startLine[1], startLine[2], fields)
                    : new HttpHead.Status(startLine[0], Integer.parseInt(startLine[1]), startLine[2], fields));
        } else {
            if (fields.size() == limits.maxFields()) {
                throw new HttpHeadException(Problem.TOO_LARGE, "more than " + limits.maxFields() + " header fields");
            }
            fields.add(field(n, lines - 1));
        }
    }

    /** {@code method SP request-target SP HTTP-version} (RFC 9112 §3). */
    private String[] requestLine(int n) throws HttpHeadException {
        int sp1 = indexOf(' ', 0, n);
        int sp2 = sp1 < 0 ? -1 : indexOf(' ', sp1 + 1, n);
        if (sp1 <= 0 || sp2 < 0 || !all(0, sp1, HttpHeadReader::isTchar)
                || sp2 == sp1 + 1 || !all(sp1 + 1, sp2, HttpHeadReader::isTargetChar)) {
            throw malformed("malformed request line: " + printable(line, n));
        }
        String version = version(sp2 + 1, n);
        if (version == null) {
            throw malformed("malformed request line: " + printable(line, n));
        }
        return new String[] {text(0, sp1), text(sp1 + 1, sp2), version};
    }

    /** {@code HTTP-version SP 3DIGIT SP [reason-phrase]} (RFC 9112 §4); the second SP may be missing with the reason. */
    private String[] statusLine(int n) throws HttpHeadException {
        int sp = indexOf(' ', 0, n);
        String version = sp < 0 ? null : version(0, sp);
        int code = sp + 1;
        if (version == null || n < code + 3 || line[code] < '1' || line[code] > '5' || !all(code + 1, code + 3, HttpHeadReader::isDigit)
                || n > code + 3 && line[code + 3] != ' ' || !all(code + 3, n, HttpHeadReader::isFieldChar)) {
            throw malformed("malformed status line: " + printable(line, n));
        }
        return new String[] {version, text(code, code + 3), n > code + 4 ? text(code + 4, n) : ""};
    }

    /**
     * {@code HTTP/DIGIT.DIGIT}, or null when it is not; a well-formed version other than 1.0 and
     * 1.1 is {@link Problem#VERSION}.
     */
    private String version(int from, int to) throws HttpHeadException {
        if (to - from != 8 || !ascii(from, "HTTP/") || !isDigit(line[from + 5]) || line[from + 6] != '.'
                || !isDigit(line[from + 7])) {
            return null;
        }
        String version = text(from, to);
        if (!version.equals("HTTP/1.1") && !version.equals("HTTP/1.0")) {
            throw new HttpHeadException(Problem.VERSION, version + " is not served; only HTTP/1.1 and HTTP/1.0");
        }
        return version;
    }

    /** {@code field-name ":" OWS field-value OWS} (RFC 9112 §5). */
    private HttpHead.Field field(int n, int number) throws HttpHeadException {
        if (line[0] == ' ' || line[0] == '\t') {
            // Obsolete line folding (RFC 9112 §5.2): refused rather than joined.
            throw malformed("header line " + number + " starts with white space (obsolete line folding)");
        }
        int colon = indexOf(':', 0, n);
        if (colon <= 0 || !all(0, colon, HttpHeadReader::isTchar)) {
            // Also white space between name and colon, which RFC 9112 §5.1 says to refuse.
            throw malformed("malformed header line " + number + ": " + printable(line, n));
        }
        if (!all(colon + 1, n, HttpHeadReader::isFieldChar)) {
            throw malformed("control character in header line " + number + ": " + printable(line, n));
        }
        int from = colon + 1;
        int to = n;
        while (from < to && (line[from] == ' ' || line[from] == '\t')) {
            from++;
        }
        while (to > from && (line[to - 1] == ' ' || line[to - 1] == '\t')) {
            to--;
        }
        return new HttpHead.Field(text(0, colon), text(from, to));
    }

    private HttpHeadException malformed(String message) {
        return new HttpHeadException(Problem.MALFORMED, message);
    }

    private interface BytePredicate {
        boolean test(byte b);
    }

    private boolean all(int from, int to, BytePredicate p) {
        for (int i = from; i < to; i++) {
            work++;
            if (!p.test(line[i])) {
                return false;
            }
        }
        return true;
    }

    private int indexOf(char c, int from, int to) {
        for (int i = from; i < to; i++) {
            work++;
            if (line[i] == c) {
                return i;
            }
        }
        return -1;
    }

    private boolean ascii(int from, String s) {
        for (int i = 0; i < s.length(); i++) {
            work++;
            if (line[from + i] != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private String text(int from, int to) {
        work += to - from;
        return new String(line, from, to - from, StandardCharsets.ISO_8859_1);
    }

    /** RFC 9110 §5.6.2 tchar. */
    private static boolean isTchar(byte b) {
        return b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || "!#$%&'*+-.^_`|~".indexOf(b) >= 0;
    }

    /** Visible ASCII or obs-text: what a request target may hold here (no spaces, no controls). */
    private static boolean isTargetChar(byte b) {
        return b > 0x20 && b != 0x7f || b < 0;
    }

    /** RFC 9110 §5.5 field-vchar, SP or HTAB: no control character but the tab. */
    private static boolean isFieldChar(byte b) {
        return b >= 0x20 && b != 0x7f || b == '\t' || b < 0;
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    /** Client or server text for a message: bounded, and anything but visible ASCII and space as '?'. */
    private static String printable(byte[] b, int n) {
        int shown = Math.min(n, EXCERPT);
        StringBuilder sb = new StringBuilder(shown + 3);
        for (int i = 0; i < shown; i++) {
            sb.append(b[i] >= 0x20 && b[i] < 0x7f ? (char) b[i] : '?');
        }
        return n > shown ? sb.append("...").toString() : sb.toString();
    }
}
