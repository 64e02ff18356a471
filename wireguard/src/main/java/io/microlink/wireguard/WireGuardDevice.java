package io.microlink.wireguard;

import io.microlink.netstack.DroppedInput;
import io.microlink.wireguard.config.InterfaceConfig;
import io.microlink.wireguard.config.IpPrefix;
import io.microlink.wireguard.config.PeerConfig;
import io.microlink.wireguard.config.WireGuardKey;
import io.microlink.wireguard.noise.Protocol;
import io.microlink.wireguard.session.Endpoint;
import io.microlink.wireguard.session.Engine;
import io.microlink.wireguard.session.EngineSettings;
import io.microlink.wireguard.session.Network;
import io.microlink.wireguard.session.Peer;
import io.microlink.wireguard.session.PeerSpec;
import io.microlink.wireguard.session.TimeSource;
import io.microlink.wireguard.session.UdpEndpoint;
import io.microlink.wireguard.session.UdpEndpoints;
import io.microlink.wireguard.tun.IpCommand;
import io.microlink.wireguard.tun.LinuxTun;
import io.microlink.wireguard.tun.TunDevice;
import io.microlink.wireguard.udp.ReceivedDatagrams;
import io.microlink.wireguard.udp.UdpBatchSocket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * A running WireGuard interface: the {@link Engine} between a Linux TUN device and a UDP
 * socket, with one platform thread reading each and one running timers. Needs CAP_NET_ADMIN.
 * The socket is a {@link UdpBatchSocket}: a burst of packets read from the device leaves in one
 * system call (with UDP GSO where the socket has it), and a burst of datagrams comes in with one;
 * a system call per datagram was the largest single cost of a bulk transfer through the LOPOWER
 * bridge (a third of its CPU on a download).
 *
 * <pre>{@code
 * InterfaceConfig config = WgQuickParser.parse(Path.of("wg0.conf"));
 * try (WireGuardDevice wg = WireGuardDevice.start(config)) {
 *     System.out.println(wg.engine().counters());
 * }
 * }</pre>
 */
public final class WireGuardDevice implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(WireGuardDevice.class.getName());
    private static final long TICK_MILLIS = 100;
    private static final int SOCKET_BUFFER = 4 << 20;
    private static final int MAX_DATAGRAM = 65535;
    /** Packets read from the device before the held datagrams are sent: as many as one GSO buffer carries. */
    private static final int MAX_BURST = 64;

    private final Engine engine;
    private final TunDevice tun;
    private final UdpBatchSocket udp;
    private final List<Thread> threads = new ArrayList<>();
    // Each loop carries on past an input whose handling threw (our bug, never the sender's
    // right to stop the interface), counting it and warning at most once per interval.
    private final DroppedInput tunDrops = new DroppedInput(LOG, "packet from the TUN device");
    private final DroppedInput udpDrops = new DroppedInput(LOG, "UDP datagram");
    private final DroppedInput timerDrops = new DroppedInput(LOG, "timer tick");
    private final Network network = new Network() {
        @Override
        public void send(Endpoint to, byte[] buf, int off, int len) {
            try {
                // Every endpoint here is UDP: peers' come from the configuration, the others
                // from this device's socket.
                udp.send(buf, off, len, ((UdpEndpoint) to).address());
            } catch (IOException e) {
                // A vanished route to an old endpoint is normal while roaming; the timers retry.
                LOG.log(System.Logger.Level.DEBUG, "send to {0} failed: {1}", to, e.getMessage());
            }
        }

        @Override
        public void deliver(byte[] buf, int off, int len) {
            try {
                tun.write(buf, off, len);
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, "TUN write failed: {0}", e.getMessage());
            }
        }
    };
    private volatile boolean running = true;

    private WireGuardDevice(Engine engine, TunDevice tun, UdpBatchSocket udp) {
        this.engine = engine;
        this.tun = tun;
        this.udp = udp;
    }

    /**
     * Runs {@code engine} between a device and a bound socket that are already set up: a
     * {@link TunDevice} of the caller's own (a userspace stack, as the LOPOWER bridge's) works
     * as well as a kernel one. The device and the socket are closed with the result.
     *
     * @param engine the WireGuard engine with its peers
     * @param tun    where the inner packets come from and go to
     * @param udp    the bound UDP socket peers reach ({@link UdpBatchSocket#open})
     * @return the running device; closing it stops its threads
     */
    public static WireGuardDevice run(Engine engine, TunDevice tun, UdpBatchSocket udp) {
        WireGuardDevice device = new WireGuardDevice(engine, tun, udp);
        device.startThreads();
        return device;
    }

    /**
     * Brings up the interface described by {@code config} with the protocol's default limits.
     *
     * @param config the interface and its peers
     * @return the running device; close it to bring the interface down
     * @throws IOException if the TUN device or the UDP socket cannot be opened
     */
    public static WireGuardDevice start(InterfaceConfig config) throws IOException {
        return start(config, EngineSettings.DEFAULT.withMtu(config.effectiveMtu()));
    }

    /**
     * As {@link #start(InterfaceConfig)}, with explicit limits (tests shorten timers this way).
     *
     * @param config the interface and its peers
     * @param settings the engine's limits and timers
     * @return the running device
     * @throws IOException if the TUN device or the UDP socket cannot be opened
     */
    public static WireGuardDevice start(InterfaceConfig config, EngineSettings settings) throws IOException {
        return start(config, settings, null);
    }

    /**
     * As {@link #start(InterfaceConfig, EngineSettings)}; {@code priorityPeer} (may be null) is
     * never evicted when more than {@link EngineSettings#maxSessions()} peers hold sessions.
     *
     * @param config the interface and its peers
     * @param settings the engine's limits and timers
     * @param priorityPeer the peer that keeps its session, or null
     * @return the running device
     * @throws IOException if the TUN device or the UDP socket cannot be opened
     */
    public static WireGuardDevice start(InterfaceConfig config, EngineSettings settings, WireGuardKey priorityPeer)
            throws IOException {
        Engine engine = new Engine(config.privateKey().bytes(), settings, TimeSource.system());
        for (PeerConfig pc : config.peers()) {
            Peer peer = engine.addPeer(new PeerSpec(pc.publicKey().bytes(),
                    pc.presharedKey() == null ? null : pc.presharedKey().bytes(), resolve(pc.endpoint()),
                    pc.persistentKeepalive(), pc.publicKey().equals(priorityPeer)));
            for (IpPrefix p : pc.allowedIps()) {
                engine.allowedIps().insert(p.address(), p.length(), peer);
            }
        }
        LinuxTun tun = LinuxTun.open(config.name());
        UdpBatchSocket udp = null;
        try {
            for (IpPrefix a : config.addresses()) {
                IpCommand.addAddress(tun.name(), a.toString());
            }
            IpCommand.setMtuAndUp(tun.name(), settings.mtu());
            for (PeerConfig pc : config.peers()) {
                for (IpPrefix p : pc.allowedIps()) {
                    if (p.length() == 0) {
                        LOG.log(System.Logger.Level.WARNING, "{0}: not routing {1} (a default route needs "
                                + "policy routing, which this command does not set up)", tun.name(), p);
                    } else {
                        IpCommand.addRoute(tun.name(), p.toString());
                    }
                }
            }
            udp = UdpBatchSocket.open(config.listenPort(), SOCKET_BUFFER);
        } catch (IOException | RuntimeException e) {
            tun.close();
            if (udp != null) {
                udp.close();
            }
            throw e;
        }
        WireGuardDevice device = run(engine, tun, udp);
        LOG.log(System.Logger.Level.INFO, "{0} up: public key {1}, UDP port {2}", tun.name(),
                WireGuardKey.of(engine.publicKey(), false), String.valueOf(device.listenPort()));
        return device;
    }

    private static UdpEndpoint resolve(String endpoint) throws IOException {
        if (endpoint == null) {
            return null;
        }
        int colon = endpoint.lastIndexOf(':');
        String host = endpoint.substring(0, colon).replace("[", "").replace("]", "");
        InetSocketAddress a = new InetSocketAddress(host, Integer.parseInt(endpoint.substring(colon + 1)));
        if (a.isUnresolved()) {
            throw new IOException("cannot resolve endpoint host '" + host + "'");
        }
        return new UdpEndpoint(a);
    }

    private void startThreads() {
        threads.add(Thread.ofPlatform().daemon().name("wg-tun-" + tun.name()).start(this::tunLoop));
        threads.add(Thread.ofPlatform().daemon().name("wg-udp-" + tun.name()).start(this::udpLoop));
        threads.add(Thread.ofPlatform().daemon().name("wg-timers-" + tun.name()).start(this::timerLoop));
    }

    private void tunLoop() {
        int head = Protocol.TRANSPORT_HEADER_SIZE;
        byte[] buf = new byte[head + MAX_DATAGRAM + Protocol.PADDING_MULTIPLE + Protocol.TAG_LENGTH];
        try {
            while (running) {
                int n = tun.read(buf, head, MAX_DATAGRAM);
                for (int burst = 1; n > 0; burst++) {
                    try {
                        engine.send(buf, head, n, network); // held by the socket until the flush
                    } catch (RuntimeException e) {
                        tunDrops.record(e); // bad packets are counted by the engine; this is a bug
                    }
                    n = burst < MAX_BURST ? tun.readIfWaiting(buf, head, MAX_DATAGRAM) : 0;
                }
                flush();
                if (n < 0) {
                    return;
                }
            }
        } catch (IOException e) {
            if (running) {
                LOG.log(System.Logger.Level.ERROR, "TUN reader stopped", e);
            }
        }
    }

    private void udpLoop() {
        UdpEndpoints sources = new UdpEndpoints();
        try {
            while (running) {
                ReceivedDatagrams in = udp.receive();
                if (in == null) {
                    return; // close() ends the loop this way
                }
                for (int i = 0; i < in.count(); i++) {
                    try {
                        engine.receive(in.buffer(), in.offset(i), in.length(i), sources.of(in.source(i)), network);
                    } catch (RuntimeException e) {
                        udpDrops.record(e);
                    }
                }
                flush(); // handshake answers, and packets that waited for a handshake
            }
        } catch (IOException e) {
            if (running) {
                LOG.log(System.Logger.Level.ERROR, "UDP reader stopped", e);
            }
        }
    }

    /** Sends what the engine queued on the socket during a burst. */
    private void flush() {
        try {
            udp.flush();
        } catch (IOException e) {
            // As a single send's failure: a vanished route to an old endpoint; the timers retry.
            LOG.log(System.Logger.Level.DEBUG, "UDP send failed: {0}", e.getMessage());
        }
    }

    private void timerLoop() {
        while (running) {
            try {
                engine.tick(network);
            } catch (RuntimeException e) {
                timerDrops.record(e); // a bug, but timers must keep running for every other peer
            }
            flush();
            try {
                Thread.sleep(TICK_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * The engine this device runs, for its peers and counters.
     *
     * @return the engine
     */
    public Engine engine() {
        return engine;
    }

    /**
     * The TUN interface's name.
     *
     * @return the name
     */
    public String interfaceName() {
        return tun.name();
    }

    /**
     * The bound UDP port (useful when the configuration asked for any).
     *
     * @return the port
     */
    public int listenPort() {
        return udp.port();
    }

    /** Stops the threads, removes the interface and closes the socket. */
    @Override
    public void close() {
        running = false;
        udp.close();
        tun.close();
        for (Thread t : threads) {
            t.interrupt();
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
