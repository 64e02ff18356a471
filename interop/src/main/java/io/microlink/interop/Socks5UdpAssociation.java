package io.microlink.interop;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;

/**
 * A UDP association through a SOCKS5 proxy (RFC 1928 section 7), so a test can make a real
 * tailscaled originate UDP on the tailnet: its {@code --socks5-server} relays each datagram to
 * the named tailnet address (IPv4 or IPv6).
 *
 * <pre>{@code
 * try (Socks5UdpAssociation udp = Socks5UdpAssociation.open(real.socks5Port())) {
 *     udp.send(new InetSocketAddress(javaNodeIp, 9000), data);
 *     Socks5UdpAssociation.Reply r = udp.receive(Duration.ofSeconds(2));
 * }
 * }</pre>
 */
public final class Socks5UdpAssociation implements AutoCloseable {
    /** A datagram the proxy relayed back, and the tailnet address it came from. */
    public record Reply(InetSocketAddress from, byte[] data) {}

    private final Socket control; // the association lives as long as this connection
    private final DatagramSocket udp;
    private final InetSocketAddress relay;

    private Socks5UdpAssociation(Socket control, DatagramSocket udp, InetSocketAddress relay) {
        this.control = control;
        this.udp = udp;
        this.relay = relay;
    }

    public static Socks5UdpAssociation open(int proxyPort) throws IOException {
        Socket control = new Socket(InetAddress.getLoopbackAddress(), proxyPort);
        try {
            control.setSoTimeout(10_000);
            OutputStream out = control.getOutputStream();
            DataInputStream in = new DataInputStream(control.getInputStream());
            out.write(new byte[] {5, 1, 0}); // version 5, one method: no authentication
            if (in.readUnsignedByte() != 5 || in.readUnsignedByte() != 0) {
                throw new IOException("the SOCKS5 proxy refused no-authentication");
            }
            out.write(new byte[] {5, 3, 0, 1, 0, 0, 0, 0, 0, 0}); // UDP ASSOCIATE from 0.0.0.0:0
            byte[] head = new byte[4];
            in.readFully(head);
            if (head[1] != 0) {
                throw new IOException("the SOCKS5 proxy refused UDP ASSOCIATE with reply code " + head[1]);
            }
            byte[] address = new byte[head[3] == 1 ? 4 : 16];
            in.readFully(address);
            int port = in.readUnsignedShort();
            DatagramSocket udp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return new Socks5UdpAssociation(control, udp, new InetSocketAddress(InetAddress.getByAddress(address), port));
        } catch (IOException | RuntimeException e) {
            control.close();
            throw e;
        }
    }

    /** Sends {@code data} to a tailnet address (or one a peer routes) through the proxy. */
    public void send(InetSocketAddress to, byte[] data) throws IOException {
        byte[] address = to.getAddress().getAddress();
        ByteBuffer b = ByteBuffer.allocate(6 + address.length + data.length);
        b.put(new byte[] {0, 0, 0, (byte) (address.length == 4 ? 1 : 4)}).put(address).putShort((short) to.getPort())
                .put(data);
        udp.send(new DatagramPacket(b.array(), b.capacity(), relay));
    }

    /** The next relayed datagram, or null when none came within {@code timeout}. */
    public Reply receive(Duration timeout) throws IOException {
        byte[] buf = new byte[65536];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        udp.setSoTimeout((int) Math.max(1, timeout.toMillis()));
        try {
            udp.receive(p);
        } catch (SocketTimeoutException e) {
            return null;
        }
        int addressLength = buf[3] == 1 ? 4 : buf[3] == 4 ? 16 : -1;
        if (addressLength < 0 || p.getLength() < 6 + addressLength) {
            throw new IOException("the proxy relayed a datagram with a header this client does not read");
        }
        InetAddress from = InetAddress.getByAddress(Arrays.copyOfRange(buf, 4, 4 + addressLength));
        int port = (buf[4 + addressLength] & 0xff) << 8 | buf[5 + addressLength] & 0xff;
        return new Reply(new InetSocketAddress(from, port), Arrays.copyOfRange(buf, 6 + addressLength, p.getLength()));
    }

    @Override
    public void close() throws IOException {
        udp.close();
        control.close();
    }
}
