package io.microlink.netstack.socket;

import io.microlink.netstack.ip.IpPacket;
import io.microlink.netstack.udp.UdpDatagram;
import java.io.Closeable;
import java.io.IOException;
import java.lang.System.Logger.Level;
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
 * Take them with {@link #receive}, or have them handed to a callback with {@link #onReceive}.
 *
 * <pre>{@code
 * try (TailnetDatagramSocket udp = node.bindUdp(9000)) {
 *     TailnetDatagramSocket.Datagram d = udp.receive(Duration.ofSeconds(5));
 *     udp.send(d.sender(), d.data());   // echo
 * }
 * // or, without a thread of your own:
 * udp.onReceive(d -> udp.send(d.sender(), d.data()));
 * }</pre>
 */
public final class TailnetDatagramSocket implements Closeable {
    private static final System.Logger LOG = System.getLogger("io.microlink.netstack");
    /** Datagrams held for the application at most. */
    static final int QUEUE_LIMIT = 512;

    /**
     * One received datagram and who sent it.
     *
     * @param sender who sent it
     * @param data its payload
     */
    public record Datagram(InetSocketAddress sender, byte[] data) {}

    private final Netstack stack;
    private final int port;
    private final BlockingQueue<Datagram> queue = new ArrayBlockingQueue<>(QUEUE_LIMIT);
    private volatile boolean closed;
    private volatile Thread dispatcher;

    /** What {@link #onReceive} calls for each datagram; it may send, and its exceptions are logged. */
    @FunctionalInterface
    public interface Receiver {
        /**
         * Takes one datagram.
         *
         * @param datagram the datagram and its sender
         * @throws IOException if answering it fails; logged, and the next datagram comes
         */
        void received(Datagram datagram) throws IOException;
    }

    TailnetDatagramSocket(Netstack stack, int port) {
        this.stack = stack;
        this.port = port;
    }

    /**
     * The port this socket is bound to.
     *
     * @return the port
     */
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

    /**
     * The next datagram, or null when none came within {@code timeout}.
     *
     * @param timeout how long to wait
     * @return the datagram, or null
     * @throws IllegalStateException when a callback set with {@link #onReceive} takes the datagrams
     * @throws IOException if the socket is closed or the wait interrupted
     */
    public Datagram receive(Duration timeout) throws IOException {
        if (closed) {
            throw new SocketException("UDP socket on port " + port + " is closed");
        }
        if (dispatcher != null) {
            throw new IllegalStateException("UDP port " + port + " hands its datagrams to a callback");
        }
        try {
            return queue.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while receiving");
        }
    }

    /**
     * Hands every datagram, in arrival order, to {@code receiver} on a thread of this socket
     * (never the thread that carries the tailnet's packets, so a slow receiver only fills
     * this socket's queue) until the socket is closed. Set once.
     *
     * @param receiver what takes the datagrams
     */
    public synchronized void onReceive(Receiver receiver) {
        if (dispatcher != null) {
            throw new IllegalStateException("UDP port " + port + " already has a receive callback");
        }
        dispatcher = Thread.ofVirtual().name("microlink-udp-" + port).start(() -> dispatch(receiver));
    }

    private void dispatch(Receiver receiver) {
        while (!closed) {
            Datagram d;
            try {
                d = queue.take();
            } catch (InterruptedException e) {
                return; // closed
            }
            try {
                receiver.received(d);
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.WARNING, "the receive callback of UDP port " + port + " failed", e);
            }
        }
    }

    /**
     * Sends {@code data} to a tailnet address and port (at most 1252 bytes fit the tunnel's 1280 MTU over IPv4).
     *
     * @param to the destination
     * @param data the payload
     * @throws IOException if the socket is closed, or this node has no address of the destination's family
     */
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
        Thread t = dispatcher;
        if (t != null && t != Thread.currentThread()) {
            t.interrupt();
        }
    }
}
