package io.microlink.dns;

import io.microlink.netstack.socket.DeadlineInputStream;
import io.microlink.netstack.socket.StreamConnection;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * One query to an exit node's DoH endpoint over its own connection ({@link DohMessages}): the
 * answer is awaited until the exchange's deadline, each read bounded by what is left of it, so a
 * peer that trickles bytes cannot hold the exchange longer; one connection carries one answer.
 */
final class DohExchange implements UpstreamSockets.Exchange {
    private final StreamConnection connection;
    private final InetSocketAddress endpoint;
    private boolean answered;

    DohExchange(StreamConnection connection, InetSocketAddress endpoint) {
        this.connection = connection;
        this.endpoint = endpoint;
    }

    @Override
    public void send(byte[] message) throws IOException {
        connection.getOutputStream().write(DohMessages.request(endpoint, message));
        connection.getOutputStream().flush();
    }

    /** The answer; a second call (the forwarder ignored the first) fails, ending the exchange. */
    @Override
    public UpstreamSockets.Received receive(Duration timeout) throws IOException {
        if (answered) {
            throw new IOException("DoH: one answer per connection");
        }
        answered = true;
        long deadline = System.nanoTime() + timeout.toNanos();
        InputStream bounded = new DeadlineInputStream(connection.getInputStream(), connection::setSoTimeout,
                () -> deadline, "DoH: no answer in time");
        return new UpstreamSockets.Received(endpoint, DohMessages.readAnswer(new java.io.BufferedInputStream(bounded, 512)));
    }

    @Override
    public void close() throws IOException {
        connection.close();
    }
}
