package io.microlink.interop.hardening;

import io.microlink.interop.SeededBytes;
import io.microlink.netstack.socket.TailnetSocket;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.BooleanSupplier;

/**
 * One TCP connection to an echo server that streams seeded bytes for as long as asked, then
 * half-closes; the echoed bytes are hashed as they come back. One long transfer rather than
 * many short ones, so closed connections waiting out TIME-WAIT do not blur a heap figure.
 */
final class StreamingEcho {
    private static final int CHUNK = 64 * 1024;

    /** What went out and what came back: equal when the transfer was intact. */
    record Result(long sentBytes, String sentSha256, long receivedBytes, String receivedSha256) {}

    private StreamingEcho() {}

    /** Streams while {@code keepGoing} holds (and at least {@code minBytes}). */
    static Result run(TailnetSocket s, long seed, long minBytes, BooleanSupplier keepGoing) throws Exception {
        MessageDigest sent = sha256();
        long[] sentBytes = {0};
        Thread writer = Thread.startVirtualThread(() -> {
            SeededBytes source = new SeededBytes(seed);
            byte[] chunk = new byte[CHUNK];
            try {
                OutputStream out = s.getOutputStream();
                while (sentBytes[0] < minBytes || keepGoing.getAsBoolean()) {
                    source.fill(chunk, CHUNK);
                    out.write(chunk);
                    sent.update(chunk);
                    sentBytes[0] += CHUNK;
                }
                s.shutdownOutput();
            } catch (IOException e) {
                s.close();
            }
        });
        MessageDigest received = sha256();
        long receivedBytes = 0;
        byte[] buf = new byte[CHUNK];
        InputStream in = s.getInputStream();
        for (int n; (n = in.read(buf)) > 0; ) {
            received.update(buf, 0, n);
            receivedBytes += n;
        }
        writer.join();
        return new Result(sentBytes[0], HexFormat.of().formatHex(sent.digest()), receivedBytes,
                HexFormat.of().formatHex(received.digest()));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
