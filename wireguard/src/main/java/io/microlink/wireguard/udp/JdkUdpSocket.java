package io.microlink.wireguard.udp;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;

/**
 * {@link UdpBatchSocket} on a blocking {@link DatagramChannel}: one datagram per receive, each
 * send at once. Used where {@link LinuxUdpSocket} cannot be (another system, or no native access).
 *
 * <pre>{@code
 * UdpBatchSocket udp = JdkUdpSocket.open(0, 1 << 20);
 * }</pre>
 */
public final class JdkUdpSocket implements UdpBatchSocket {
    private static final int MAX_DATAGRAM = 65535;

    private final DatagramChannel channel;
    private final int port;
    private final ReceivedDatagrams received = new ReceivedDatagrams(MAX_DATAGRAM, 1);
    private final ByteBuffer receiveBuffer = ByteBuffer.wrap(received.buffer());

    private JdkUdpSocket(DatagramChannel channel) throws IOException {
        this.channel = channel;
        this.port = ((InetSocketAddress) channel.getLocalAddress()).getPort();
    }

    /**
     * See {@link UdpBatchSocket#open}.
     *
     * @param port the port, or 0
     * @param bufferBytes the kernel buffer size to ask for
     * @return the socket
     * @throws IOException if the port cannot be bound
     */
    public static JdkUdpSocket open(int port, int bufferBytes) throws IOException {
        DatagramChannel channel = DatagramChannel.open();
        try {
            channel.setOption(StandardSocketOptions.SO_RCVBUF, bufferBytes);
            channel.setOption(StandardSocketOptions.SO_SNDBUF, bufferBytes);
            channel.bind(new InetSocketAddress(port));
            return new JdkUdpSocket(channel);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public ReceivedDatagrams receive() throws IOException {
        receiveBuffer.clear();
        InetSocketAddress from;
        try {
            from = (InetSocketAddress) channel.receive(receiveBuffer);
        } catch (ClosedChannelException e) {
            return null;
        }
        received.clear();
        received.add(0, receiveBuffer.position(), from);
        return received;
    }

    @Override
    public void send(byte[] buf, int off, int len, InetSocketAddress to) throws IOException {
        channel.send(ByteBuffer.wrap(buf, off, len), to);
    }

    @Override
    public void flush() {
        // every send went out at once
    }

    @Override
    public String mechanism() {
        return "DatagramChannel, one datagram per call";
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // nothing left to release
        }
    }
}
