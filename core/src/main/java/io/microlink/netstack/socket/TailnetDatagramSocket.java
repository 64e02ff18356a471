package io.microlink.netstack.socket;

import io.microlink.netstack.ip.IpPacket;
import io.microlink.netstack.udp.UdpDatagram;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A UDP port of this node on the tailnet. Received datagrams wait in a bounded queue; when
 * it is full, new ones are dropped, as a kernel drops them when a socket's buffer is full.
 *
 * <pre>{@code
 * try (TailnetDatagramSocket udp = node.bindUdp(9000)) {
 *     TailnetDatagramSocket.Datagram d = udp.receive(Duration.ofSeconds(5));
 *     udp.send(d.sender(), d.data());   // echo
 * }
 * }</pre>
 */
public final class TailnetDatagramSocket implements Closeable {
    /** Datagrams held for the application at most. */
    static final int QUEUE_LIMIT = 512;

    /** One received datagram and who sent it. */
    public record Datagram(InetSocketAddress sender, byte[] data) {}

    private final Netstack stack;
    private final int port;
    private final BlockingQueue<Datagram> queue = new ArrayBlockingQueue<>(QUEUE_LIMIT);
    private volatile boolean closed;

    TailnetDatagramSocket(Netstack stack, int port) {
        this.stack = stack;
        this.port = port;
    }

    public int localPort() {
        return port;
    }

    void deliver(IpPacket p, UdpDatagram d) {
        try {
            InetSocketAddress from = new InetSocketAddress(InetAddress.getByAddress(p.source()), d.sourcePort());
            byte[] data = Arrays.copyOfRange(d.buffer(), d.payloadOffset(), d.payloadOffset() + d.payloadLength());
            queue.offer(new Datagram(from, data));
        } catch (UnknownHostException e) {
            throw new IllegalStateException("a parsed packet holds a malformed address", e);
        }
    }

    /** The next datagram, or null when none came within {@code timeout}. */
    public Datagram receive(Duration timeout) throws IOException {
        if (closed) {
            throw new SocketException("UDP socket on port " + port + " is closed");
        }
        try {
            return queue.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while receiving");
        }
    }

    /** Sends {@code data} to a tailnet address and port (at most 1252 bytes fit the tunnel's 1280 MTU over IPv4). */
    public void send(InetSocketAddress to, byte[] data) throws IOException {
        if (closed) {
            throw new SocketException("UDP socket on port " + port + " is closed");
        }
        byte[] local = stack.localAddressFor(to.getAddress());
        stack.sendUdp(local, port, to.getAddress().getAddress(), to.getPort(), data, 0, data.length);
    }

    @Override
    public void close() {
        closed = true;
        stack.unbindUdp(this);
    }
}
