package io.microlink.dns;

import io.microlink.netstack.relay.SocketBinder;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;

/**
 * A host UDP socket of one exchange, left unconnected so that the forwarder, not the kernel,
 * decides what counts as the upstream's answer (and counts the rest).
 */
final class OsUdpExchange implements UpstreamSockets.Exchange {
    /** Larger than any answer an upstream may send over UDP to a 4096-byte EDNS query. */
    private static final int MAX_DATAGRAM = 65535;

    private final DatagramSocket socket = new DatagramSocket();
    private final InetSocketAddress upstream;

    /** A socket of its own, readied by {@code binder} before the query goes. */
    OsUdpExchange(InetSocketAddress upstream, SocketBinder binder) throws IOException {
        this.upstream = upstream;
        try {
            binder.bindUdp(socket.getLocalPort(), upstream.getAddress());
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    @Override
    public void send(byte[] message) throws IOException {
        socket.send(new DatagramPacket(message, message.length, upstream));
    }

    @Override
    public UpstreamSockets.Received receive(Duration timeout) throws IOException {
        socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
        byte[] buf = new byte[MAX_DATAGRAM];
        DatagramPacket in = new DatagramPacket(buf, buf.length);
        try {
            socket.receive(in);
        } catch (SocketTimeoutException e) {
            return null;
        }
        return new UpstreamSockets.Received((InetSocketAddress) in.getSocketAddress(),
                Arrays.copyOf(buf, in.getLength()));
    }

    @Override
    public void close() {
        socket.close();
    }
}
