package io.microlink.web.http;

import io.microlink.netstack.socket.TailnetSocket;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;

/**
 * One accepted byte-stream connection, whatever carries it: a JDK {@link Socket} on localhost or
 * a {@link TailnetSocket} on the node's tailnet address. The HTTP server needs nothing more.
 *
 * <pre>{@code
 * StreamConnection c = StreamConnection.of(serverSocket.accept());
 * c.setReadTimeout(5_000);
 * int first = c.input().read();
 * }</pre>
 */
public interface StreamConnection extends Closeable {
    InputStream input() throws IOException;

    OutputStream output() throws IOException;

    /** Who is on the other end: the address the caller is identified by. */
    InetAddress remoteAddress();

    /** Like {@link Socket#setSoTimeout}: a read that waits longer throws; 0 waits forever. */
    void setReadTimeout(int millis) throws IOException;

    /** Sends FIN: the caller reads end of stream while this side can still read. */
    void shutdownOutput() throws IOException;

    static StreamConnection of(Socket socket) {
        return new StreamConnection() {
            @Override
            public InputStream input() throws IOException {
                return socket.getInputStream();
            }

            @Override
            public OutputStream output() throws IOException {
                return socket.getOutputStream();
            }

            @Override
            public InetAddress remoteAddress() {
                return socket.getInetAddress();
            }

            @Override
            public void setReadTimeout(int millis) throws IOException {
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

    static StreamConnection of(TailnetSocket socket) {
        return new StreamConnection() {
            @Override
            public InputStream input() {
                return socket.getInputStream();
            }

            @Override
            public OutputStream output() {
                return socket.getOutputStream();
            }

            @Override
            public InetAddress remoteAddress() {
                return socket.getRemoteSocketAddress().getAddress();
            }

            @Override
            public void setReadTimeout(int millis) {
                socket.setSoTimeout(millis);
            }

            @Override
            public void shutdownOutput() {
                socket.shutdownOutput();
            }

            @Override
            public void close() {
                socket.close();
            }
        };
    }
}
