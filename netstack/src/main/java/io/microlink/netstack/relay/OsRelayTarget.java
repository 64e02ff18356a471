package io.microlink.netstack.relay;

import io.microlink.netstack.DroppedInput;
import io.microlink.netstack.socket.StreamConnection;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * The host's own sockets as a {@link RelayTarget}: what a subnet router or an exit node in
 * userspace mode opens towards the real hosts. A UDP flow is a connected channel, so the kernel
 * passes on only what its destination sends. A ping is {@link InetAddress#isReachable}: a real
 * ICMP echo where the JVM may open a raw socket (root, or {@code CAP_NET_RAW}); without that
 * right the JDK falls back to a TCP connection to port 7 of the host, whose refusal also counts
 * as alive.
 *
 * <p>A flow's reader holds a buffer only as large as the tunnel carries: a datagram from the host
 * larger than fits into one tunnel packet ({@link #TUNNEL_MTU}, less the IP and UDP headers) is
 * dropped, since the netstack does not fragment and a cut one would be a corrupt one.
 */
public final class OsRelayTarget implements RelayTarget {
    private static final System.Logger LOG = System.getLogger(OsRelayTarget.class.getName());
    /** The tailnet's packet size (tailscale's TUN MTU, {@code net/tstun/mtu.go}): what a reply must fit in. */
    static final int TUNNEL_MTU = 1280;
    private static final int IPV4_HEADER = 20;
    private static final int IPV6_HEADER = 40;
    private static final int UDP_HEADER = 8;

    private final SocketBinder binder;

    /** The host's sockets, opened as each connection, flow and ping asks, following its routing table. */
    public OsRelayTarget() {
        this(SocketBinder.DEFAULT_ROUTE);
    }

    /**
     * The host's sockets, each readied by {@code binder} before it connects (bound to the node's
     * active uplink). Pings are not: the JDK opens their socket out of reach.
     *
     * @param binder readies each TCP connection and UDP flow
     */
    public OsRelayTarget(SocketBinder binder) {
        this.binder = binder;
    }

    @Override
    public StreamConnection dial(InetSocketAddress to, Duration timeout) throws IOException {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true); // the client's own stack already decided how to batch its writes
            binder.bindTcp(s, to.getAddress());
            s.connect(to, (int) Math.clamp(timeout.toMillis(), 1, Integer.MAX_VALUE));
            return StreamConnection.of(s);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    @Override
    public Datagrams openUdp(InetSocketAddress to, Consumer<byte[]> replies) throws IOException {
        DatagramChannel channel = DatagramChannel.open();
        try {
            channel.bind(null);
            binder.bindUdp(((InetSocketAddress) channel.getLocalAddress()).getPort(), to.getAddress());
            channel.connect(to);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        DroppedInput drops = new DroppedInput(LOG, "relayed UDP reply");
        int fits = maxReply(to.getAddress());
        Thread.ofVirtual().name("microlink-relay-udp").start(() -> receive(channel, fits, replies, drops));
        return new Datagrams() {
            @Override
            public void send(byte[] payload) throws IOException {
                channel.write(ByteBuffer.wrap(payload));
            }

            @Override
            public void close() {
                try {
                    channel.close();
                } catch (IOException e) {
                    // closing is all that is wanted
                }
            }
        };
    }

    /**
     * The largest reply payload one tunnel packet carries back to a client of {@code destination}'s
     * family (the reply goes from that address).
     *
     * @param destination the address the client sent to, which the reply comes from
     * @return the largest UDP payload that fits
     */
    public static int maxReply(InetAddress destination) {
        return TUNNEL_MTU - (destination instanceof Inet6Address ? IPV6_HEADER : IPV4_HEADER) - UDP_HEADER;
    }

    private static void receive(DatagramChannel channel, int fits, Consumer<byte[]> replies, DroppedInput drops) {
        // One byte more than fits: a datagram that fills it was larger, and the channel cut it.
        ByteBuffer buf = ByteBuffer.allocate(fits + 1);
        while (channel.isOpen()) {
            buf.clear();
            try {
                channel.read(buf);
            } catch (PortUnreachableException e) {
                continue; // the host said no one listens; the client's own timeout tells it so
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                return;
            }
            if (buf.position() > fits) {
                LOG.log(System.Logger.Level.DEBUG, "dropped a relayed UDP reply larger than the tunnel carries");
                continue;
            }
            try {
                replies.accept(Arrays.copyOf(buf.array(), buf.position()));
            } catch (RuntimeException e) {
                drops.record(e);
            }
        }
    }

    @Override
    public boolean ping(InetAddress to, Duration timeout) {
        try {
            return to.isReachable((int) Math.clamp(timeout.toMillis(), 1, Integer.MAX_VALUE));
        } catch (IOException e) {
            return false;
        }
    }
}
