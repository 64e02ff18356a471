package io.microlink.dns;

import io.microlink.netstack.socket.TailnetDatagramSocket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;

/** A netstack UDP socket of one exchange with a resolver on a tailnet address. */
final class TailnetUdpExchange implements UpstreamSockets.Exchange {
    private final TailnetDatagramSocket socket;
    private final InetSocketAddress upstream;

    TailnetUdpExchange(TailnetDatagramSocket socket, InetSocketAddress upstream) {
        this.socket = socket;
        this.upstream = upstream;
    }

    @Override
    public void send(byte[] message) throws IOException {
        socket.send(upstream, message);
    }

    @Override
    public UpstreamSockets.Received receive(Duration timeout) throws IOException {
        TailnetDatagramSocket.Datagram d = socket.receive(timeout);
        return d == null ? null : new UpstreamSockets.Received(d.sender(), d.data());
    }

    @Override
    public void close() {
        socket.close();
    }
}
