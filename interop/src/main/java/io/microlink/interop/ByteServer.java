package io.microlink.interop;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Serves one bulk transfer per connection on 127.0.0.1, where a tailscaled in userspace mode
 * forwards its tailnet ports. Framed so that no half-close is needed (tailscaled's SOCKS5
 * proxy does not pass one on): a mode byte, a length and a seed; then for an upload the
 * server reads that many bytes and answers with their SHA-256, for a download it sends that
 * many seeded random bytes.
 *
 * <pre>{@code
 * try (ByteServer server = new ByteServer()) {
 *     String digest = ByteServer.transfer(socket.getInputStream(), socket.getOutputStream(), true, 1 << 20, 42);
 * }
 * }</pre>
 */
public final class ByteServer implements AutoCloseable {
    private static final int UPLOAD = 'u';
    private static final int DOWNLOAD = 'd';
    private static final int CHUNK = 64 * 1024;
    private final ServerSocket server;

    public ByteServer() throws IOException {
        this(InetAddress.getLoopbackAddress());
    }

    /** On {@code address} (a subnet router's benchmark binds every address: {@code 0.0.0.0}). */
    public ByteServer(InetAddress address) throws IOException {
        server = new ServerSocket(0, 64, address);
        Thread.startVirtualThread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    Thread.startVirtualThread(() -> serve(s));
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    public int port() {
        return server.getLocalPort();
    }

    private static void serve(Socket s) {
        try (s) {
            DataInputStream in = new DataInputStream(s.getInputStream());
            int mode = in.readUnsignedByte();
            long length = in.readLong();
            long seed = in.readLong();
            OutputStream out = s.getOutputStream();
            if (mode == UPLOAD) {
                MessageDigest digest = sha256();
                byte[] buf = new byte[CHUNK];
                for (long left = length; left > 0; ) {
                    int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                    if (n < 0) {
                        return;
                    }
                    digest.update(buf, 0, n);
                    left -= n;
                }
                out.write(digest.digest());
            } else if (mode == DOWNLOAD) {
                SeededBytes source = new SeededBytes(seed);
                byte[] buf = new byte[CHUNK];
                for (long left = length; left > 0; left -= buf.length) {
                    int n = (int) Math.min(buf.length, left);
                    source.fill(buf, n);
                    out.write(buf, 0, n);
                }
            }
            out.flush();
        } catch (IOException e) {
            // the client went away
        }
    }

    /**
     * One transfer of {@code length} seeded random bytes over {@code in}/{@code out}; returns
     * the SHA-256 of what went over: for an upload the server's digest of what it received
     * (checked against what was sent), for a download the digest of what arrived.
     */
    public static String transfer(InputStream in, OutputStream out, boolean upload, long length, long seed)
            throws IOException {
        DataOutputStream header = new DataOutputStream(out);
        header.writeByte(upload ? UPLOAD : DOWNLOAD);
        header.writeLong(length);
        header.writeLong(seed);
        header.flush();
        MessageDigest digest = sha256();
        byte[] chunk = new byte[CHUNK];
        if (upload) {
            SeededBytes source = new SeededBytes(seed);
            for (long left = length; left > 0; left -= chunk.length) {
                int n = (int) Math.min(chunk.length, left);
                source.fill(chunk, n);
                out.write(chunk, 0, n);
                digest.update(chunk, 0, n);
            }
            out.flush();
            byte[] received = in.readNBytes(32);
            if (!MessageDigest.isEqual(received, digest.digest())) {
                throw new IOException("the byte server received other bytes than were sent (SHA-256 differs)");
            }
            return HexFormat.of().formatHex(received);
        }
        long got = 0;
        for (int n; got < length && (n = in.read(chunk, 0, (int) Math.min(chunk.length, length - got))) > 0; ) {
            digest.update(chunk, 0, n);
            got += n;
        }
        if (got != length) {
            throw new IOException("received " + got + " of " + length + " bytes");
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** The SHA-256 of {@code length} seeded random bytes: what {@link #transfer} must return both ways. */
    public static String expectedDigest(long length, long seed) {
        MessageDigest digest = sha256();
        SeededBytes source = new SeededBytes(seed);
        byte[] chunk = new byte[CHUNK];
        for (long left = length; left > 0; left -= chunk.length) {
            int n = (int) Math.min(chunk.length, left);
            source.fill(chunk, n);
            digest.update(chunk, 0, n);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
