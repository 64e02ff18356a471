package io.microlink.daemon;

import io.microlink.daemon.api.ReplyHead;
import io.microlink.daemon.cli.Locations;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * {@code microlink status} without the full CLI: asks the daemon for the text already rendered
 * ({@code "render"} in the {@code status} request) and returns it to print. It loads java.base
 * and two small classes of ours besides, not Jackson, the verbs or the parser, so the command
 * costs little more than a JVM that opens a Unix socket (docs/benchmarks.md, "The CLI:
 * status"). Anything it does not
 * handle exactly as the full CLI would (another flag, --help, no daemon, an error from the
 * daemon, an older daemon) gives null, and the full CLI runs the command and words its errors:
 * {@code status} only reads, so asking twice changes nothing. A daemon that does not answer in
 * full within {@link #TIMEOUT_SECONDS} is an error of its own ({@link NoAnswer}): the full CLI
 * would only wait again.
 *
 * <p>No string concatenation or lambdas here: each would make the JVM spin up its method-handle
 * machinery, which costs more than the rest of this path.
 */
final class FastStatus {
    /** The rendered text's bound; a reply announcing more is left to the full CLI. */
    static final int MAX_BODY = 64 << 20;
    private static final int MAX_HEAD = 256;
    /** The whole exchange's bound: a daemon stuck (or a process posing as one) must not hang the command. */
    static final int TIMEOUT_SECONDS = 10;
    /** The body's first buffer; the rest grows by doubling as bytes arrive. */
    private static final int FIRST_BLOCK = 64 << 10;
    private static final byte[] TABLE = bytes("{\"method\":\"status\",\"render\":\"table\"}\n");
    private static final byte[] JSON = bytes("{\"method\":\"status\",\"render\":\"json\"}\n");
    private static final byte[] HEAD_START = bytes("{\"ok\":true,\"result\":{\"bytes\":");
    private static final byte[] HEAD_END = bytes("}}");

    private FastStatus() {}

    /**
     * The text {@code microlink ARGV} prints, or null when the full CLI must run the command.
     *
     * @throws NoAnswer when the daemon took the request but did not answer within {@link #TIMEOUT_SECONDS}
     */
    static String answer(String[] argv, Map<String, String> env) throws NoAnswer {
        if (argv.length == 0 || !argv[0].equals("status")) {
            return null;
        }
        // The full CLI's rules (Options): --flag=value or --flag value, the last one wins.
        String json = "false";
        String stateDir = null;
        String socket = null;
        for (int i = 1; i < argv.length; i++) {
            String a = argv[i];
            int eq = a.indexOf('=');
            String key = eq < 0 ? a : a.substring(0, eq);
            String value = eq >= 0 ? a.substring(eq + 1) : null;
            if (key.equals("--json")) {
                json = value == null ? "true" : value;
            } else if (key.equals("--state-dir") || key.equals("--socket")) {
                if (value == null) {
                    if (i + 1 == argv.length) {
                        return null;
                    }
                    value = argv[++i];
                }
                if (key.equals("--socket")) {
                    socket = value;
                } else {
                    stateDir = value;
                }
            } else {
                return null;
            }
        }
        if (!json.equals("true") && !json.equals("false")) {
            return null;
        }
        try {
            Path path = Locations.socket(socket, env, Locations.stateDir(stateDir, env));
            byte[] body = ask(path, json.equals("true") ? JSON : TABLE);
            return body == null ? null : new String(body, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            // An unusable path or a daemon gone: the full CLI tries again and says what went wrong.
            return null;
        }
    }

    /** Sends {@code request} to the daemon at {@code socket}; the body its reply announces, or null. */
    static byte[] ask(Path socket, byte[] request) throws IOException, NoAnswer {
        return ask(socket, request, TIMEOUT_SECONDS);
    }

    /** As {@link #ask(Path, byte[])}, the whole exchange within {@code timeoutSeconds}. */
    static byte[] ask(Path socket, byte[] request, int timeoutSeconds) throws IOException, NoAnswer {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            // A channel has no read timeout: a thread closes it at the deadline instead, which
            // ends a read blocked on a daemon that hangs (or trickles its reply).
            Deadline deadline = new Deadline(ch, timeoutSeconds);
            Thread watchdog = new Thread(deadline, "microlink-status-deadline");
            watchdog.setDaemon(true);
            watchdog.start();
            try {
                return exchange(ch, socket, request);
            } catch (IOException e) {
                if (deadline.fired) {
                    throw new NoAnswer(timeoutSeconds);
                }
                throw e;
            } finally {
                watchdog.interrupt();
            }
        }
    }

    private static byte[] exchange(SocketChannel ch, Path socket, byte[] request) throws IOException {
        ch.connect(UnixDomainSocketAddress.of(socket));
        ByteBuffer out = ByteBuffer.wrap(request);
        while (out.hasRemaining()) {
            ch.write(out);
        }
        ReplyHead head = ReplyHead.read(ch, MAX_HEAD);
        int length = head == null ? -1 : bodyLength(head.line());
        if (length < 0 || head.overRead().remaining() > length) {
            return null;
        }
        // Grown as the bytes come, never to more than twice what came: the length is only a claim.
        ByteBuffer body = ByteBuffer.allocate(Math.min(length, FIRST_BLOCK)).put(head.overRead());
        while (body.position() < length) {
            if (!body.hasRemaining()) {
                body = ByteBuffer.allocate((int) Math.min(2L * body.capacity(), length)).put(body.flip());
            }
            if (ch.read(body) < 0) {
                return null;
            }
        }
        return body.array();
    }

    /** The daemon did not answer in time; the message says so, for the user. */
    static final class NoAnswer extends Exception {
        NoAnswer(int seconds) {
            super(new StringBuilder("the daemon did not answer within ").append(seconds).append(" s").toString(),
                    null, false, false);
        }
    }

    /** Closes the channel once its time is up, unless interrupted first. */
    private static final class Deadline implements Runnable {
        private final SocketChannel channel;
        private final int seconds;
        volatile boolean fired;

        Deadline(SocketChannel channel, int seconds) {
            this.channel = channel;
            this.seconds = seconds;
        }

        @Override
        public void run() {
            try {
                Thread.sleep(seconds * 1000L);
                fired = true;
                channel.close();
            } catch (InterruptedException | IOException e) {
                // Interrupted: the exchange ended in time. A failed close: the channel is going anyway.
            }
        }
    }

    /** N from exactly {@code {"ok":true,"result":{"bytes":N}}}; -1 for any other line. */
    static int bodyLength(byte[] line) {
        int digits = line.length - HEAD_START.length - HEAD_END.length;
        if (digits < 1 || digits > 9
                || !Arrays.equals(line, 0, HEAD_START.length, HEAD_START, 0, HEAD_START.length)
                || !Arrays.equals(line, line.length - HEAD_END.length, line.length, HEAD_END, 0, HEAD_END.length)) {
            return -1;
        }
        long n = 0;
        for (int i = HEAD_START.length; i < HEAD_START.length + digits; i++) {
            if (line[i] < '0' || line[i] > '9') {
                return -1;
            }
            n = n * 10 + line[i] - '0';
        }
        return n <= MAX_BODY ? (int) n : -1;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
