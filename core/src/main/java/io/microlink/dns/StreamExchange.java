package io.microlink.dns;

import io.microlink.netstack.socket.StreamConnection;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;

/** DNS over a TCP connection (RFC 1035 §4.2.2, RFC 7766): each message behind its 2-byte length. */
final class StreamExchange implements UpstreamSockets.Exchange {
    private final StreamConnection connection;

    StreamExchange(StreamConnection connection) {
        this.connection = connection;
    }

    @Override
    public void send(byte[] message) throws IOException {
        if (message.length > 0xFFFF) {
            throw new IOException("a DNS message over TCP is at most 65535 bytes, not " + message.length);
        }
        byte[] framed = new byte[2 + message.length];
        framed[0] = (byte) (message.length >>> 8);
        framed[1] = (byte) message.length;
        System.arraycopy(message, 0, framed, 2, message.length);
        connection.getOutputStream().write(framed);
        connection.getOutputStream().flush();
    }

    /** The next message; a timeout mid-message ends the exchange like any other failure of the stream. */
    @Override
    public UpstreamSockets.Received receive(Duration timeout) throws IOException {
        connection.setSoTimeout((int) Math.max(1, timeout.toMillis()));
        DataInputStream in = new DataInputStream(connection.getInputStream());
        int length;
        try {
            length = in.readUnsignedShort();
        } catch (SocketTimeoutException e) {
            return null;
        }
        byte[] message = new byte[length];
        in.readFully(message);
        return new UpstreamSockets.Received(connection.getRemoteSocketAddress(), message);
    }

    @Override
    public void close() throws IOException {
        connection.close();
    }
}
