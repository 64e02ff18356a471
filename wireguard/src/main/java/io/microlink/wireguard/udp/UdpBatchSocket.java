package io.microlink.wireguard.udp;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * A UDP socket that moves datagrams in batches: a receive returns every datagram that is
 * waiting (at least one), and sends may be held until {@link #flush()}, so that a burst of
 * datagrams to one address leaves in one system call. On Linux, with native access enabled
 * ({@code java --enable-native-access=ALL-UNNAMED}), that is {@code recvmmsg}/{@code sendmmsg}
 * with UDP GRO and GSO ({@link LinuxUdpSocket}): a run of equal-size datagrams crosses the
 * kernel as one buffer. Elsewhere it is a {@link java.nio.channels.DatagramChannel}, one
 * datagram per call ({@link JdkUdpSocket}).
 *
 * <p>One thread receives; any number send. Every sender calls {@link #flush()} after its burst.
 *
 * <pre>{@code
 * try (UdpBatchSocket udp = UdpBatchSocket.open(0, 7 << 20)) {
 *     udp.send(packet, 0, packet.length, peer);
 *     udp.flush();
 *     ReceivedDatagrams in = udp.receive();
 *     for (int i = 0; i < in.count(); i++) {
 *         handle(in.buffer(), in.offset(i), in.length(i), in.source(i));
 *     }
 * }
 * }</pre>
 */
public interface UdpBatchSocket extends AutoCloseable {
    /**
     * Binds {@code port} (0: any) on every local address, IPv6 and IPv4 alike where the system
     * has IPv6, with {@code bufferBytes} asked for each of the kernel's socket buffers.
     *
     * @param port the port, or 0
     * @param bufferBytes the kernel buffer size to ask for
     * @return the socket, batched through FFM where usable
     * @throws java.net.BindException if the port is taken
     * @throws IOException if the port cannot be bound
     */
    static UdpBatchSocket open(int port, int bufferBytes) throws IOException {
        if (LinuxUdpSocket.usable()) {
            return LinuxUdpSocket.open(port, bufferBytes);
        }
        return JdkUdpSocket.open(port, bufferBytes);
    }

    /**
     * The bound port.
     *
     * @return the port
     */
    int port();

    /**
     * Waits for datagrams and returns all that arrived, at least one; null once the socket is
     * closed. The result, buffer included, is reused by the next call. Only one thread may receive.
     *
     * @return the datagrams, or null
     * @throws IOException if receiving fails
     */
    ReceivedDatagrams receive() throws IOException;

    /**
     * Sends {@code len} bytes at {@code off} to {@code to}, now or at the next {@link #flush()}.
     * The bytes are copied before this returns.
     *
     * @param buf the buffer holding the datagram
     * @param off where it starts
     * @param len its length
     * @param to the destination
     * @throws IOException if sending fails
     */
    void send(byte[] buf, int off, int len, InetSocketAddress to) throws IOException;

    /**
     * Sends every datagram held back so far, whichever thread queued it.
     *
     * @throws IOException if sending fails
     */
    void flush() throws IOException;

    /**
     * What the socket uses, for logs: e.g. "recvmmsg/sendmmsg, UDP GSO and GRO".
     *
     * @return a short description
     */
    String mechanism();

    /** Closes the socket; a receive blocked on another thread returns null soon after. */
    @Override
    void close();
}
