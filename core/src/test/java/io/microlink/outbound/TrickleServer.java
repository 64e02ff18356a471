package io.microlink.outbound;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;

/**
 * A hostile server on loopback for deadline tests: it answers its first connection with
 * {@code prefix}, then one byte of {@code filler} per {@code gap}, until the client hangs up.
 * Each byte comes well inside any read timeout, so only an overall deadline stops the client.
 */
public final class TrickleServer implements AutoCloseable {
    private final ServerSocket server;

    private TrickleServer(ServerSocket server) {
        this.server = server;
    }

    /**
     * Listens and serves the first connection in the background.
     *
     * @param prefix what to send at once
     * @param filler the byte to trickle after it
     * @param gap    the time between two bytes of filler
     * @return the listening server
     * @throws IOException if it cannot listen
     */
    public static TrickleServer start(byte[] prefix, byte filler, Duration gap) throws IOException {
        ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        Thread.startVirtualThread(() -> {
            try (Socket s = server.accept()) {
                // Whatever the client sends is read and dropped, so its writes never block.
                Thread.startVirtualThread(() -> {
                    try {
                        s.getInputStream().transferTo(OutputStream.nullOutputStream());
                    } catch (IOException e) {
                        // the client hung up
                    }
                });
                OutputStream out = s.getOutputStream();
                out.write(prefix);
                out.flush();
                while (true) {
                    Thread.sleep(gap);
                    out.write(filler);
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // the client hung up, or the test is over
            }
        });
        return new TrickleServer(server);
    }

    /**
     * The port it listens on.
     *
     * @return the port it listens on
     */
    public int port() {
        return server.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
