package io.microlink.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.microlink.http.HttpHeadException.Problem;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The one HTTP/1.1 head reader (the proxy's, the web server's and the upgrades'): what it
 * takes, what it refuses with which {@link Problem}, its limits to the byte, and hostile input.
 */
class HttpHeadReaderTest {
    private static final HttpHeadReader.Limits LIMITS = HttpHeadReader.Limits.of(1024);

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static InputStream stream(String s) {
        return new ByteArrayInputStream(bytes(s));
    }

    private static HttpHead.Request request(String s) throws IOException {
        return HttpHeadReader.readRequest(stream(s), LIMITS);
    }

    private static HttpHead.Status status(String s) throws IOException {
        return HttpHeadReader.readStatus(stream(s), LIMITS);
    }

    private static Problem requestProblem(String s) {
        return problem(() -> request(s), s);
    }

    private static Problem statusProblem(String s) {
        return problem(() -> status(s), s);
    }

    private interface Read {
        HttpHead read() throws IOException;
    }

    private static Problem problem(Read read, String input) {
        try {
            read.read();
        } catch (HttpHeadException e) {
            return e.problem();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("accepted: " + input);
    }

    @Test
    void aRequestHeadIsParsedAndNotOneByteAfterItIsRead() throws IOException {
        InputStream in = stream("POST /api/x?y=1 HTTP/1.1\r\nHost: node\r\nContent-Length: 4\r\nX-Two: a\r\n"
                + "x-two: b\r\n\r\nbody");
        HttpHead.Request r = HttpHeadReader.readRequest(in, LIMITS);
        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.target()).isEqualTo("/api/x?y=1");
        assertThat(r.version()).isEqualTo("HTTP/1.1");
        assertThat(r.http10()).isFalse();
        assertThat(r.fields()).containsExactly(new HttpHead.Field("Host", "node"),
                new HttpHead.Field("Content-Length", "4"), new HttpHead.Field("X-Two", "a"),
                new HttpHead.Field("x-two", "b"));
        assertThat(r.field("X-TWO")).contains("a");
        assertThat(r.field("absent")).isEmpty();
        assertThat(in.readAllBytes()).isEqualTo(bytes("body"));
    }

    @Test
    void statusLinesWithAndWithoutAReason() throws IOException {
        HttpHead.Status s = status("HTTP/1.1 101 Switching Protocols\r\nUpgrade: DERP\r\n\r\n");
        assertThat(s.status()).isEqualTo(101);
        assertThat(s.reason()).isEqualTo("Switching Protocols");
        assertThat(s.statusLine()).isEqualTo("HTTP/1.1 101 Switching Protocols");
        assertThat(s.field("upgrade")).contains("DERP");
        assertThat(status("HTTP/1.0 200\r\n\r\n").reason()).isEmpty();
        assertThat(status("HTTP/1.0 200\r\n\r\n").http10()).isTrue();
        assertThat(status("HTTP/1.1 204 \r\n\r\n").statusLine()).isEqualTo("HTTP/1.1 204");
        assertThat(status("HTTP/1.1 599 a\treason \u00e9\r\n\r\n").reason()).isEqualTo("a\treason \u00e9");
    }

    @Test
    void fieldValuesLoseTheWhiteSpaceAroundThemOnly() throws IOException {
        HttpHead.Request r = request("GET / HTTP/1.0\r\nA:x\r\nB: \t two  words \t\r\nC:\r\nD: caf\u00e9\r\n\r\n");
        assertThat(r.fields()).containsExactly(new HttpHead.Field("A", "x"), new HttpHead.Field("B", "two  words"),
                new HttpHead.Field("C", ""), new HttpHead.Field("D", "caf\u00e9"));
        // Bytes 0x80-0xFF (obs-text) are taken in targets too; they come out as ISO-8859-1.
        assertThat(request("GET /\u00e9t\u00e9 HTTP/1.1\r\n\r\n").target()).isEqualTo("/\u00e9t\u00e9");
        assertThat(request("M-SEARCH * HTTP/1.1\r\n\r\n").method()).isEqualTo("M-SEARCH");
    }

    @Test
    void endOfStreamBeforeTheFirstByteIsNoHeadButInsideOneIsAnEofNamingHowFar() throws IOException {
        assertThat(request("")).isNull();
        assertThat(status("")).isNull();
        assertThatThrownBy(() -> status("HTTP/1.1 101 Swi")).isInstanceOf(EOFException.class)
                .hasMessageContaining("after 16 bytes: HTTP/1.1 101 Swi");
        assertThatThrownBy(() -> request("GET / HTTP/1.1\r\nHost: x\r\n")).isInstanceOf(EOFException.class);
        assertThatThrownBy(() -> request("GET / HTTP/1.1\r")).isInstanceOf(EOFException.class);
    }

    @Test
    void aHeadFedInAnyPiecesEndsAtTheSameByte() throws HttpHeadException {
        byte[] all = bytes("GET http://a/ HTTP/1.1\r\nHost: a\r\nX: y\r\n\r\nAFTER");
        int headLength = all.length - "AFTER".length();
        for (int split = 0; split <= all.length; split++) {
            HttpHeadReader<HttpHead.Request> reader = HttpHeadReader.forRequest(LIMITS);
            int used = reader.feed(all, 0, split);
            if (!reader.complete()) {
                assertThat(used).isEqualTo(split);
                used += reader.feed(all, split, all.length - split);
            }
            assertThat(used).as("split at %d", split).isEqualTo(headLength);
            assertThat(reader.bytesRead()).isEqualTo(headLength);
            assertThat(reader.head().fields()).hasSize(2);
            assertThat(reader.feed(all, 0, all.length)).as("a complete head takes no more").isZero();
        }
        HttpHeadReader<HttpHead.Request> dribble = HttpHeadReader.forRequest(LIMITS);
        for (int i = 0; i < headLength; i++) {
            assertThat(dribble.complete()).isFalse();
            assertThat(dribble.feed(all, i, 1)).isOne();
        }
        assertThat(dribble.head().target()).isEqualTo("http://a/");
    }

    @Test
    void theHeadLimitCountsEveryByteThroughTheEmptyLine() throws IOException {
        String head = "GET / HTTP/1.1\r\nX: 12345\r\n\r\n";
        HttpHeadReader.Limits exact = new HttpHeadReader.Limits(head.length(), head.length(), 10);
        assertThat(HttpHeadReader.readRequest(stream(head), exact)).isNotNull();
        HttpHeadReader.Limits oneLess = new HttpHeadReader.Limits(head.length() - 1, head.length() - 1, 10);
        assertThatThrownBy(() -> HttpHeadReader.readRequest(stream(head), oneLess))
                .isInstanceOfSatisfying(HttpHeadException.class, e -> assertThat(e.problem()).isEqualTo(Problem.TOO_LARGE));
    }

    @Test
    void theLineLimitCountsALineWithoutItsCrlf() throws IOException {
        HttpHeadReader.Limits lines = new HttpHeadReader.Limits(1024, 14, 10);
        assertThat(HttpHeadReader.readRequest(stream("GET / HTTP/1.1\r\nX: 12345678901\r\n\r\n"), lines)).isNotNull();
        assertThatThrownBy(() -> HttpHeadReader.readRequest(stream("GET / HTTP/1.1\r\nX: 123456789012\r\n\r\n"), lines))
                .isInstanceOfSatisfying(HttpHeadException.class, e -> {
                    assertThat(e.problem()).isEqualTo(Problem.TOO_LARGE);
                    assertThat(e.getMessage()).isEqualTo("header line 1 is longer than 14 bytes");
                });
        assertThatThrownBy(() -> HttpHeadReader.readRequest(stream("GET /1 HTTP/1.1\r\n\r\n"), lines))
                .isInstanceOfSatisfying(HttpHeadException.class, e -> assertThat(e.problem()).isEqualTo(Problem.TOO_LARGE));
        assertThat(HttpHeadReader.Limits.of(100_000).maxLineBytes()).isEqualTo(8 * 1024);
        assertThat(HttpHeadReader.Limits.of(300).maxLineBytes()).isEqualTo(300);
    }

    @Test
    void theFieldLimitCountsFieldLines() throws IOException {
        HttpHeadReader.Limits two = new HttpHeadReader.Limits(1024, 1024, 2);
        assertThat(HttpHeadReader.readRequest(stream("GET / HTTP/1.1\r\nA: 1\r\nA: 2\r\n\r\n"), two).fields()).hasSize(2);
        assertThatThrownBy(() -> HttpHeadReader.readRequest(stream("GET / HTTP/1.1\r\nA: 1\r\nA: 2\r\nA: 3\r\n\r\n"), two))
                .isInstanceOfSatisfying(HttpHeadException.class, e -> assertThat(e.problem()).isEqualTo(Problem.TOO_LARGE));
        assertThat(HttpHeadReader.Limits.of(1024).maxFields()).isEqualTo(100);
    }

    @Test
    void limitsOutOfRangeAreRefused() {
        assertThatThrownBy(() -> new HttpHeadReader.Limits(0, 0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HttpHeadReader.Limits(100, 101, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HttpHeadReader.Limits(100, 100, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anEndlessStreamIsCutOffAtTheHeadLimit() {
        // An endless request line, an endless field line, endless short fields.
        for (String[] shape : new String[][] {{"GET /", "a"}, {"GET / HTTP/1.1\r\nX: ", "a"},
                {"GET / HTTP/1.1\r\n", "a: a\r\n"}}) {
            byte[] prefix = bytes(shape[0]);
            byte[] repeated = bytes(shape[1]);
            int[] taken = {0};
            InputStream endless = new InputStream() {
                @Override
                public int read() {
                    int i = taken[0]++;
                    return i < prefix.length ? prefix[i] : repeated[(i - prefix.length) % repeated.length];
                }
            };
            assertThatThrownBy(() -> HttpHeadReader.readRequest(endless, new HttpHeadReader.Limits(4096, 4096, 10_000)))
                    .isInstanceOfSatisfying(HttpHeadException.class, e -> assertThat(e.problem()).isEqualTo(Problem.TOO_LARGE));
            assertThat(taken[0]).as(shape[0]).isEqualTo(4097);
        }
    }

    @Test
    void malformedRequestHeads() {
        List<String> heads = List.of(
                "\r\n\r\n",                                   // an empty line before the request line
                "\r\nGET / HTTP/1.1\r\n\r\n",
                "GET /\r\n\r\n",                              // two parts
                "GET\r\n\r\n",
                "GET  / HTTP/1.1\r\n\r\n",                    // two spaces
                "GET / HTTP/1.1 \r\n\r\n",                    // a trailing space
                "GET / HTTP/1.1 x\r\n\r\n",
                " GET / HTTP/1.1\r\n\r\n",
                "G(T / HTTP/1.1\r\n\r\n",                     // not a token
                "GET /\tx HTTP/1.1\r\n\r\n",                  // a tab in the target
                "GET /\u0000 HTTP/1.1\r\n\r\n",               // a control character in the target
                "GET /\u007f HTTP/1.1\r\n\r\n",
                "GET / HTTQ/1.1\r\n\r\n",
                "GET / http/1.1\r\n\r\n",
                "GET / HTTP/1\r\n\r\n",
                "GET / HTTP/1.10\r\n\r\n",
                "GET / HTTP/1.x\r\n\r\n",
                "GET / HTTP/1.1\n\n",                         // bare LFs
                "GET / HTTP/1.1\r\nHost: x\n\r\n",
                "GET / HTTP/1.1\r\nX: a\rInjected: b\r\n\r\n", // a bare CR
                "GET / HTTP/1.1\r\nX: a\r\r\n\r\n",
                "GET / HTTP/1.1\r\r\n\r\n",
                "GET / HTTP/1.1\r\nNo colon here\r\n\r\n",
                "GET / HTTP/1.1\r\n: no name\r\n\r\n",
                "GET / HTTP/1.1\r\nBad Name: x\r\n\r\n",
                "GET / HTTP/1.1\r\nName : x\r\n\r\n",         // white space before the colon (RFC 9112 §5.1)
                "GET / HTTP/1.1\r\nX: a\r\n folded\r\n\r\n",  // obsolete line folding
                "GET / HTTP/1.1\r\nX: a\r\n\tfolded\r\n\r\n",
                "GET / HTTP/1.1\r\nX: a\u0000b\r\n\r\n",      // control characters in a value
                "GET / HTTP/1.1\r\nX: \u001b[31m\r\n\r\n",
                "GET / HTTP/1.1\r\nX: a\u007f\r\n\r\n",
                "GET / HTTP/1.1\r\nN\u00e4me: x\r\n\r\n");    // obs-text in a name
        for (String head : heads) {
            assertThat(requestProblem(head)).as(head).isEqualTo(Problem.MALFORMED);
        }
    }

    @Test
    void versionsOtherThan10And11() {
        assertThat(requestProblem("GET / HTTP/2.0\r\n\r\n")).isEqualTo(Problem.VERSION);
        assertThat(requestProblem("GET / HTTP/0.9\r\n\r\n")).isEqualTo(Problem.VERSION);
        assertThat(statusProblem("HTTP/2.0 200 OK\r\n\r\n")).isEqualTo(Problem.VERSION);
    }

    @Test
    void malformedStatusHeads() {
        List<String> heads = List.of(
                "SSH-2.0-OpenSSH_9.2\r\n\r\n",                // the wrong port
                "HTTP/1.1\r\n\r\n",
                "HTTP/1.1 \r\n\r\n",
                "HTTP/1.1 99 Low\r\n\r\n",
                "HTTP/1.1 600 High\r\n\r\n",
                "HTTP/1.1 1010\r\n\r\n",
                "HTTP/1.1 20x OK\r\n\r\n",
                "HTTP/1.1  200 OK\r\n\r\n",
                "HTTP/1.1 200 O\u0001K\r\n\r\n",
                "http/1.1 200 OK\r\n\r\n",
                "HTTP/1.1 200 OK\nX: y\n\n",
                "HTTP/1.1 101 Switching Protocols\r\nUpgrade : DERP\r\n\r\n");
        for (String head : heads) {
            assertThat(statusProblem(head)).as(head).isEqualTo(Problem.MALFORMED);
        }
    }

    @Test
    void messagesQuoteAShortPrintableExcerptOnly() {
        String evil = "GET /" + "\u001b[2J".repeat(100) + " HTTP/1.1\r\n\r\n";
        assertThatThrownBy(() -> request(evil)).isInstanceOfSatisfying(HttpHeadException.class, e -> {
            assertThat(e.getMessage()).startsWith("malformed request line: GET /?[2J?[2J").endsWith("...");
            assertThat(e.getMessage()).hasSizeLessThan(120).doesNotContain("\u001b");
        });
    }

    @Test
    void aRefusedReaderIsSpent() {
        HttpHeadReader<HttpHead.Request> reader = HttpHeadReader.forRequest(LIMITS);
        byte[] bad = bytes("GET / HTTP/1.1\n");
        assertThatThrownBy(() -> reader.feed(bad, 0, bad.length)).isInstanceOf(HttpHeadException.class);
        assertThatThrownBy(() -> reader.feed(bad, 0, bad.length)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(reader::head).isInstanceOf(IllegalStateException.class);
    }

    /**
     * Random and mutated heads, fed in random pieces to both kinds of reader: each either
     * completes within its limits or is refused with an {@link HttpHeadException}, never with any
     * other exception, and the same bytes give the same outcome however they are cut.
     */
    @Test
    void hostileInputIsRefusedCleanly() {
        Random random = new Random(20_260_101L);
        byte[] alphabet = bytes("\r\n\r\n  \t::/.-HTTP/1.0123456789GETaZ\u0000\u0001\u007f\u0080\u00ff(),;=\"");
        byte[][] seeds = {
                bytes("GET /a?b=c HTTP/1.1\r\nHost: x\r\nX: y\r\n\r\n"),
                bytes("HTTP/1.1 101 Switching Protocols\r\nUpgrade: DERP\r\nConnection: Upgrade\r\n\r\n"),
                bytes("CONNECT [fd7a::1]:443 HTTP/1.0\r\n\r\n"),
        };
        HttpHeadReader.Limits small = new HttpHeadReader.Limits(256, 64, 4);
        int complete = 0;
        for (int round = 0; round < 20_000; round++) {
            byte[] input;
            if (round % 2 == 0) {
                input = new byte[random.nextInt(300)];
                for (int i = 0; i < input.length; i++) {
                    input[i] = random.nextInt(4) == 0 ? (byte) random.nextInt(256) : alphabet[random.nextInt(alphabet.length)];
                }
            } else {
                input = mutate(seeds[random.nextInt(seeds.length)], random);
            }
            for (boolean request : new boolean[] {true, false}) {
                String whole = outcome(input, request, small, input.length, random);
                String pieces = outcome(input, request, small, 1 + random.nextInt(8), random);
                if (!pieces.equals(whole)) {
                    throw new AssertionError("in pieces: " + pieces + "; whole: " + whole + "; input " + Arrays.toString(input));
                }
                if (whole.startsWith("complete")) {
                    complete++;
                }
            }
        }
        assertThat(complete).as("mutations that stay valid").isPositive();
    }

    private static byte[] mutate(byte[] seed, Random random) {
        byte[] b = seed.clone();
        for (int edits = 1 + random.nextInt(3); edits > 0; edits--) {
            int at = random.nextInt(b.length);
            switch (random.nextInt(4)) {
                case 0 -> b[at] = (byte) random.nextInt(256);
                case 1 -> b = concat(Arrays.copyOf(b, at), Arrays.copyOfRange(b, at + 1, b.length));
                case 2 -> b = concat(concat(Arrays.copyOf(b, at), new byte[] {(byte) "\r\n :\t\u0000".charAt(random.nextInt(6))}),
                        Arrays.copyOfRange(b, at, b.length));
                default -> b = concat(b, Arrays.copyOfRange(b, at, b.length)); // repeats a tail: more lines, longer ones
            }
            if (b.length == 0) {
                return b;
            }
        }
        return b;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    /** Feeds {@code input} in pieces of at most {@code piece} bytes; describes how it ended. */
    private static String outcome(byte[] input, boolean request, HttpHeadReader.Limits limits, int piece, Random random) {
        HttpHeadReader<? extends HttpHead> reader = request ? HttpHeadReader.forRequest(limits)
                : HttpHeadReader.forStatus(limits);
        int off = 0;
        try {
            while (off < input.length && !reader.complete()) {
                int n = Math.min(input.length - off, 1 + random.nextInt(piece));
                int used = reader.feed(input, off, n);
                if (used < 0 || used > n || used < n && !reader.complete()) {
                    throw new AssertionError("took " + used + " of " + n + " bytes");
                }
                off += used;
            }
        } catch (HttpHeadException e) {
            return "refused " + e.problem() + ": " + e.getMessage();
        }
        if (reader.bytesRead() != off || off > limits.maxHeadBytes()) {
            throw new AssertionError(reader.bytesRead() + " bytes read, " + off + " taken");
        }
        if (!reader.complete()) {
            return "incomplete after " + off;
        }
        if (reader.head().fields().size() > limits.maxFields()) {
            throw new AssertionError("over the field limit: " + reader.head());
        }
        return "complete at " + off + ": " + reader.head();
    }
}
