package io.microlink.portmap;

import io.microlink.netstack.relay.SocketBinder;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * A socket connected to the gateway's port 5351, shared by NAT-PMP and PCP: the kernel drops
 * datagrams from anyone else. A request is sent, and the answer it wants awaited, 250 ms, then
 * sent again with each wait doubled, as many times as the protocol says.
 *
 * <p>NAT-PMP sends up to {@value #NAT_PMP_ATTEMPTS} times (250, 500, 1000 ms), RFC 6886 §3.1's
 * start. PCP sends once and waits 250 ms ({@value #PCP_ATTEMPTS}), as tailscaled does (its
 * {@code portMapServiceTimeout} for NAT-PMP and PCP alike), not RFC 6887 §8.1.1's 3 s first
 * wait with jitter, doubling without end: the gateway is one hop away on the LAN and answers in
 * milliseconds, that schedule is meant for a server anywhere, and waiting seconds would only
 * delay UPnP, asked next. A lost answer waits for the mapper's next try ({@link PortMapper#GIVE_UP}).
 */
final class GatewayUdp implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("io.microlink.portmap");
    static final int NAT_PMP_ATTEMPTS = 3;
    static final int PCP_ATTEMPTS = 1;
    private static final int FIRST_WAIT_MS = 250;

    /** Turns a datagram into the answer wanted, null for one to ignore (a bad one, or to another question). */
    interface Reader<T> {
        T read(byte[] b, int off, int len) throws PortMapProtocolException;
    }

    private final DatagramSocket socket;
    private final int attempts;

    /**
     * A socket to {@code gateway}'s {@code port}, readied by {@code binder}, that sends each
     * request up to {@code attempts} times.
     */
    GatewayUdp(Inet4Address gateway, int port, int attempts, SocketBinder binder) throws IOException {
        this.attempts = attempts;
        socket = new DatagramSocket();
        try {
            binder.bindUdp(socket.getLocalPort(), gateway);
            socket.connect(new InetSocketAddress(gateway, port));
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** Our address towards the gateway, as it sees it (PCP names it in each request). */
    Inet4Address localAddress() throws IOException {
        if (socket.getLocalAddress() instanceof Inet4Address a && !a.isAnyLocalAddress()) {
            return a;
        }
        throw new IOException("no IPv4 address of ours towards the gateway");
    }

    /** Sends {@code request} once, expecting nothing. */
    void send(byte[] request) throws IOException {
        socket.send(new DatagramPacket(request, request.length));
    }

    /** Sends {@code request} until {@code reader} accepts an answer; null after the last wait. */
    <T> T exchange(byte[] request, Reader<T> reader) throws IOException {
        byte[] buf = new byte[Pcp.MAX_MESSAGE + 4];
        for (int i = 0, wait = FIRST_WAIT_MS; i < attempts; i++, wait *= 2) {
            socket.send(new DatagramPacket(request, request.length));
            long deadline = System.nanoTime() + Duration.ofMillis(wait).toNanos();
            for (long left; (left = deadline - System.nanoTime()) > 0; ) {
                socket.setSoTimeout((int) Math.max(1, Duration.ofNanos(left).toMillis()));
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    socket.receive(p);
                } catch (SocketTimeoutException e) {
                    break;
                } catch (PortUnreachableException e) {
                    return null; // the gateway said nothing listens there
                }
                try {
                    T answer = reader.read(p.getData(), p.getOffset(), p.getLength());
                    if (answer != null) {
                        return answer;
                    }
                } catch (PortMapProtocolException e) {
                    LOG.log(Level.DEBUG, "ignoring a bad answer from the gateway: {0}", e.getMessage());
                }
            }
        }
        return null;
    }

    @Override
    public void close() {
        socket.close();
    }
}
