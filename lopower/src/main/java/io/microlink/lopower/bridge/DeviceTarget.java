package io.microlink.lopower.bridge;

import io.microlink.lopower.enroll.AddressPlan;
import io.microlink.netstack.relay.FlowSlots;
import io.microlink.netstack.relay.RelayTarget;
import io.microlink.netstack.socket.Netstack;
import io.microlink.netstack.socket.ForwardingStreamConnection;
import io.microlink.netstack.socket.StreamConnection;
import io.microlink.netstack.socket.TailnetDatagramSocket;
import io.microlink.netstack.socket.TailnetSocket;
import io.microlink.wireguard.config.IpPrefix;
import java.io.Closeable;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Tailnet to device by the device's own address: where the bridge node's relay carries what
 * peers send to the advertised device prefixes. Each connection, UDP flow and ping goes on in
 * the device-side stack from the bridge's own device-side address, as port forwards do, so
 * the device answers through its tunnel. Only a device that is enrolled and was heard from
 * ({@link DeviceTable#reachableNameOf}) is dialed; any other address of the prefixes fails at
 * once (the peer's connection is reset; a datagram or ping is answered with ICMP host
 * unreachable, as a router answers for an address no neighbour holds) and is counted
 * ({@code refused_no_device}). A device
 * holds at most {@code perDevice} connections and as many flows from the tailnet, whichever
 * peers opened them (the node's relay bounds each peer; a connection counts from its first
 * SYN, so a device that never answers fills its own share only); a removed device's are
 * closed by {@link #closeDevice}.
 */
final class DeviceTarget implements RelayTarget {
    private static final byte[] PING_DATA = "lopower".getBytes(StandardCharsets.US_ASCII);

    private final Netstack deviceSide;
    private final DeviceTable devices;
    /** The IPv4 prefix's broadcast address, or null: never said to be absent, so no error answers a broadcast. */
    private final InetAddress broadcast;
    private final BridgeCounters counters;
    private final FlowSlots<String, Closeable> tcp;
    private final FlowSlots<String, Closeable> udp;

    DeviceTarget(Netstack deviceSide, DeviceTable devices, AddressPlan plan, BridgeCounters counters, int perDevice) {
        this.deviceSide = deviceSide;
        this.devices = devices;
        this.broadcast = plan.ipv4() == null ? null : broadcastOf(plan.ipv4());
        this.counters = counters;
        this.tcp = new FlowSlots<>(perDevice, Integer.MAX_VALUE);
        this.udp = new FlowSlots<>(perDevice, Integer.MAX_VALUE);
    }

    @Override
    public StreamConnection dial(InetSocketAddress to, Duration timeout) throws IOException {
        String device = reachable(to.getAddress());
        DeviceConnection c = new DeviceConnection(device);
        if (!tcp.take(device, c)) {
            counters.add(BridgeCounters.Event.REFUSED_DEVICE_LIMIT);
            throw new ConnectException(device + " holds all the connections it may from the tailnet");
        }
        try {
            c.connected(deviceSide.connect(to.getAddress(), to.getPort(), Math.max(1, timeout.toMillis())));
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
        counters.add(BridgeCounters.Event.TCP_CONNECTIONS_ROUTED);
        return c;
    }

    @Override
    public Datagrams openUdp(InetSocketAddress to, Consumer<byte[]> replies) throws IOException {
        String device = reachable(to.getAddress());
        TailnetDatagramSocket socket = deviceSide.bindUdp(0);
        if (!udp.take(device, socket)) {
            socket.close();
            counters.add(BridgeCounters.Event.REFUSED_DEVICE_LIMIT);
            throw new IOException(device + " holds all the UDP flows it may from the tailnet");
        }
        UplinkTarget.deliverOnlyFrom(socket, to, replies, counters);
        counters.add(BridgeCounters.Event.UDP_FLOWS_ROUTED);
        return new Datagrams() {
            @Override
            public void send(byte[] payload) throws IOException {
                socket.send(to, payload);
            }

            @Override
            public void close() {
                socket.close();
                udp.release(device, socket);
            }
        };
    }

    @Override
    public boolean ping(InetAddress to, Duration timeout) {
        try {
            reachable(to);
            deviceSide.ping(to, PING_DATA, timeout);
            counters.add(BridgeCounters.Event.PINGS_ROUTED);
            return true;
        } catch (IOException | TimeoutException e) {
            return false; // no device there, or it did not answer: the peer's ping goes unanswered
        }
    }

    @Override
    public boolean hasHost(InetAddress to) {
        if (to.equals(broadcast) || devices.reachableNameOf(to) != null) {
            return true;
        }
        counters.add(BridgeCounters.Event.REFUSED_NO_DEVICE);
        return false;
    }

    /** Closes every connection and flow the tailnet holds to {@code device}, which was removed. */
    void closeDevice(String device) {
        tcp.closeAll(device);
        udp.closeAll(device);
    }

    /** Connections and flows the tailnet holds to {@code device} now. */
    int routed(String device) {
        return tcp.count(device) + udp.count(device);
    }

    private static InetAddress broadcastOf(IpPrefix v4) {
        byte[] b = v4.address().getAddress();
        int hostBits = 32 - v4.length();
        int a = ((b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff))
                | (hostBits == 32 ? -1 : (1 << hostBits) - 1);
        try {
            return InetAddress.getByAddress(new byte[] {(byte) (a >>> 24), (byte) (a >>> 16), (byte) (a >>> 8), (byte) a});
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException("four bytes are an IPv4 address", e);
        }
    }

    private String reachable(InetAddress address) throws ConnectException {
        String device = devices.reachableNameOf(address);
        if (device == null) {
            counters.add(BridgeCounters.Event.REFUSED_NO_DEVICE);
            throw new ConnectException("no device at " + address.getHostAddress() + " has been heard from");
        }
        return device;
    }

    /**
     * A connection to a device, holding its slot from before the SYN until it is closed: closed by
     * the relay when either side ends, or by {@link #closeDevice} (then also when it comes in the
     * middle of the handshake).
     */
    private final class DeviceConnection extends ForwardingStreamConnection {
        private final String device;
        private volatile TailnetSocket socket;
        private volatile boolean closed;

        DeviceConnection(String device) {
            this.device = device;
        }

        void connected(TailnetSocket s) throws IOException {
            socket = s;
            if (closed) {
                s.abort();
                throw new ConnectException(device + " was removed");
            }
        }

        @Override
        protected StreamConnection delegate() {
            return socket;
        }

        @Override
        public void close() {
            closed = true;
            TailnetSocket s = socket;
            if (s != null) {
                s.close();
            }
            tcp.release(device, this);
        }
    }
}
