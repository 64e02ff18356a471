package io.microlink.netstack.socket;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * A connected TCP byte stream, whatever carries it: a {@link TailnetSocket} is one, and
 * {@link #of(Socket)} makes one of a JDK socket. Code that only reads, writes, half-closes and
 * closes (the proxies' relay, the web page's HTTP server) takes this type and so serves tailnet
 * and local connections alike. Each method does what the {@link Socket} method of the same name
 * does.
 *
 * <pre>{@code
 * try (StreamConnection local = StreamConnection.of(new Socket("127.0.0.1", 8080));
 *      StreamConnection remote = node.dial("ts1", 8080, Duration.ofSeconds(10))) {
 *     remote.setSoTimeout(5_000);
 *     local.getInputStream().transferTo(remote.getOutputStream());
 *     remote.shutdownOutput();   // ts1 reads end of stream and can still answer
 * }
 * }</pre>
 */
public interface StreamConnection extends Closeable {
    /**
     * What the other end sends.
     *
     * @return the stream to read
     * @throws IOException if the connection is closed
     */
    InputStream getInputStream() throws IOException;

    /**
     * What this end sends.
     *
     * @return the stream to write
     * @throws IOException if the connection is closed
     */
    OutputStream getOutputStream() throws IOException;

    /**
     * Who is on the other end.
     *
     * @return the other end's address and port
     */
    InetSocketAddress getRemoteSocketAddress();

    /**
     * This end's address: the one the other end connected to.
     *
     * @return this end's address and port
     */
    InetSocketAddress getLocalSocketAddress();

    /**
     * A read that waits longer than this throws {@link java.net.SocketTimeoutException}; 0 waits forever.
     *
     * @param millis the read timeout
     * @throws IOException if the connection is closed
     */
    void setSoTimeout(int millis) throws IOException;

    /**
     * Sends FIN: the other end reads end of stream, while this side can still read.
     *
     * @throws IOException if the connection is closed
     */
    void shutdownOutput() throws IOException;

    /**
     * A connected JDK socket as a stream connection; closing one closes the other.
     *
     * @param socket a connected socket
     * @return the connection
     */
    static StreamConnection of(Socket socket) {
        return new StreamConnection() {
            @Override
            public InputStream getInputStream() throws IOException {
                return socket.getInputStream();
            }

            @Override
            public OutputStream getOutputStream() throws IOException {
                return socket.getOutputStream();
            }

            @Override
            public InetSocketAddress getRemoteSocketAddress() {
                return (InetSocketAddress) socket.getRemoteSocketAddress();
            }

            @Override
            public InetSocketAddress getLocalSocketAddress() {
                return (InetSocketAddress) socket.getLocalSocketAddress();
            }

            @Override
            public void setSoTimeout(int millis) throws IOException {
                socket.setSoTimeout(millis);
            }

            @Override
            public void shutdownOutput() throws IOException {
                socket.shutdownOutput();
            }

            @Override
            public void close() throws IOException {
                socket.close();
            }
        };
    }
}
