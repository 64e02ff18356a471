package io.microlink.interop;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SplittableRandom;

/**
 * Bulk TCP transfer with a SHA-256 of every byte, for tunnel tests: the two ends compare hashes.
 * Run as a program inside a namespace ({@code send host port bytes seed} or
 * {@code receive host port}); it prints "sha256 bytes". The data is pseudo-random from a seed,
 * so nothing compresses and both ends need no file.
 */
public final class TcpTransfer {
    private static final int CHUNK = 64 * 1024;

    private TcpTransfer() {}

    /** Result of one side: the hash and length of what passed. */
    public record Digest(String sha256, long bytes) {
        @Override
        public String toString() {
            return sha256 + " " + bytes;
        }
    }

    public static void main(String[] args) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(args[1], Integer.parseInt(args[2])), 30_000);
            Digest d = switch (args[0]) {
                case "send" -> send(s.getOutputStream(), Long.parseLong(args[3]), Long.parseLong(args[4]));
                case "receive" -> receive(s.getInputStream());
                default -> throw new IllegalArgumentException("send or receive, not " + args[0]);
            };
            System.out.println(d);
        }
    }

    /** Writes {@code bytes} pseudo-random bytes from {@code seed}, then closes the stream. */
    public static Digest send(OutputStream out, long bytes, long seed) throws IOException {
        MessageDigest sha = sha256();
        SplittableRandom random = new SplittableRandom(seed);
        byte[] buf = new byte[CHUNK];
        long left = bytes;
        while (left > 0) {
            int n = (int) Math.min(buf.length, left);
            random.nextBytes(buf);
            sha.update(buf, 0, n);
            out.write(buf, 0, n);
            left -= n;
        }
        out.close();
        return new Digest(HexFormat.of().formatHex(sha.digest()), bytes);
    }

    /** Reads to end of stream. */
    public static Digest receive(InputStream in) throws IOException {
        MessageDigest sha = sha256();
        byte[] buf = new byte[CHUNK];
        long total = 0;
        for (int n; (n = in.read(buf)) >= 0; ) {
            sha.update(buf, 0, n);
            total += n;
        }
        return new Digest(HexFormat.of().formatHex(sha.digest()), total);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
