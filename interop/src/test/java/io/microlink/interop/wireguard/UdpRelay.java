package io.microlink.interop.wireguard;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.util.Arrays;

/**
 * A UDP man in the middle between wireguard-go and the Java engine: it forwards both ways and
 * keeps the last transport-data message wireguard-go sent, so a test can replay or forge it
 * with real bytes. wireguard-go talks to {@link #outsidePort()}; the engine sees the relay's inner
 * socket as wireguard-go's address.
 */
final class UdpRelay implements AutoCloseable {
    private final DatagramSocket outside;
    private final DatagramSocket inside;
    private volatile InetSocketAddress engine;
    private volatile SocketAddress goAddress;
    private volatile byte[] lastGoData;

    /** Listens on every address of this namespace; forwards nothing until {@link #forwardTo}. */
    UdpRelay() throws SocketException {
        this.outside = new DatagramSocket(0);
        this.inside = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread.ofPlatform().daemon().start(this::fromGo);
        Thread.ofPlatform().daemon().start(this::fromEngine);
    }

    int outsidePort() {
        return outside.getLocalPort();
    }

    void forwardTo(InetSocketAddress engine) {
        this.engine = engine;
    }

    /** The last transport message with a payload (not a keepalive) that wireguard-go sent. */
    byte[] lastGoData() {
        return lastGoData == null ? null : lastGoData.clone();
    }

    /** Sends raw bytes to the engine as if from wireguard-go. */
    void injectToEngine(byte[] message) throws IOException {
        inside.send(new DatagramPacket(message, message.length, engine));
    }

    private void fromGo() {
        byte[] buf = new byte[65535];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        try {
            while (true) {
                p.setLength(buf.length);
                outside.receive(p);
                goAddress = p.getSocketAddress();
                if (p.getLength() > 32 && buf[0] == 4) {
                    lastGoData = Arrays.copyOf(buf, p.getLength());
                }
                InetSocketAddress to = engine;
                if (to != null) {
                    inside.send(new DatagramPacket(buf, p.getLength(), to));
                }
            }
        } catch (IOException e) {
            // closed
        }
    }

    private void fromEngine() {
        byte[] buf = new byte[65535];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        try {
            while (true) {
                p.setLength(buf.length);
                inside.receive(p);
                SocketAddress to = goAddress;
                if (to != null) {
                    outside.send(new DatagramPacket(buf, p.getLength(), to));
                }
            }
        } catch (IOException e) {
            // closed
        }
    }

    @Override
    public void close() {
        outside.close();
        inside.close();
    }
}
