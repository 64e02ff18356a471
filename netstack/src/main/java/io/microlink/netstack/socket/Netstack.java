package io.microlink.netstack.socket;

import io.microlink.netstack.DroppedInput;
import io.microlink.netstack.Headroom;
import io.microlink.netstack.MalformedPacketException;
import io.microlink.netstack.PacketSink;
import io.microlink.netstack.icmp.DestinationUnreachable;
import io.microlink.netstack.icmp.EchoResponder;
import io.microlink.netstack.icmp.Icmp;
import io.microlink.netstack.icmp.IcmpEcho;
import io.microlink.netstack.icmp.IcmpErrorLimiter;
import io.microlink.netstack.ip.FragmentReassembler;
import io.microlink.netstack.ip.IpPacket;
import io.microlink.netstack.ip.IpPacketBuilder;
import io.microlink.netstack.ip.IpProtocol;
import io.microlink.netstack.tcp.TcpConfig;
import io.microlink.netstack.tcp.TcpConnection;
import io.microlink.netstack.tcp.TcpEvents;
import io.microlink.netstack.tcp.TcpListener;
import io.microlink.netstack.tcp.TcpStack;
import io.microlink.netstack.udp.UdpDatagram;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.SocketException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * The userspace TCP/IP stack at run time: inner IP packets from WireGuard come in through
 * {@link #inbound}, are reassembled and handed to TCP, UDP sockets or the ICMP echo
 * responder, and what the stack sends goes out through a {@link PacketSink}. The
 * protocol classes are sans I/O; this class adds the one lock they share, the thread that
 * fires TCP timers, and the conditions blocking sockets wait on.
 *
 * <p>Packets that arrived together (one read of the socket below) may come in as a batch,
 * {@link #inboundOfBatch} for each and {@link #endOfBatch} after the last: TCP then answers the
 * batch once and blocked sockets wake once, as a kernel does with GRO.
 *
 * <p>Packets addressed to this node that nothing listens for are refused as a host would
 * refuse them: TCP with RST (by the TCP layer), UDP with ICMP port unreachable.
 *
 * <pre>{@code
 * Netstack stack = new Netstack(TcpConfig.defaults(), toWireGuard, Headroom.NONE);
 * stack.setAddresses(List.of(InetAddress.getByName("100.64.0.1")));
 * TailnetServerSocket server = stack.listen(8080, 50);
 * }</pre>
 */
public final class Netstack implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("io.microlink.netstack");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int EPHEMERAL_UDP_FIRST = 49152;
    private static final long TIMER_RETRY_NANOS = 10_000_000L;

    /** A UDP datagram for a local port that a service (such as DNS on 100.100.100.100) answers. */
    @FunctionalInterface
    public interface UdpService {
        /**
         * Answers one datagram; the packet's buffer is only valid during the call.
         *
         * @param stack the stack, to send the answer with
         * @param packet the IP packet carrying the datagram
         * @param datagram the datagram
         */
        void handle(Netstack stack, IpPacket packet, UdpDatagram datagram);
    }

    /**
     * An ICMP echo request to an address that is not this stack's own ({@link #interceptEcho}).
     * {@code answer} sends the echo reply from that address, once, whenever the handler decides
     * the address is alive; the handler runs on the inbound thread and must not block.
     */
    @FunctionalInterface
    public interface EchoInterceptor {
        /**
         * One echo request.
         *
         * @param destination where the request was sent
         * @param answer      sends the echo reply from {@code destination}; call it at most once
         * @param unreachable answers instead that no host holds {@code destination}
         *                    ({@link #hostUnreachable}); call it, if at all, before this method
         *                    returns: it quotes the request, whose buffer is the caller's
         */
        void request(InetAddress destination, Runnable answer, Runnable unreachable);
    }

    final ReentrantLock lock = new ReentrantLock();
    /** Signalled whenever any connection or listener changed; blocked sockets re-check their own state. */
    final Condition changed = lock.newCondition();
    /** TCP reported a change that {@link #changed} has not been signalled for yet; guarded by the lock. */
    private boolean changePending;
    private final Condition timerChanged = lock.newCondition();
    /**
     * When the timer thread wakes next by itself ({@link Long#MAX_VALUE}: only when signalled).
     * Guarded by the lock, which the timer thread holds except while it waits.
     */
    private long timerWakeAt = Long.MAX_VALUE;
    final TcpStack tcp;
    private final IpPacketBuilder ip = new IpPacketBuilder(RANDOM.nextInt());
    private static final int HOST_UNREACHABLE_PER_SECOND = 10;
    private final IcmpErrorLimiter hostUnreachableLimit =
            new IcmpErrorLimiter(HOST_UNREACHABLE_PER_SECOND, HOST_UNREACHABLE_PER_SECOND);
    private final FragmentReassembler reassembler = new FragmentReassembler();
    private final EchoResponder echo = new EchoResponder(ip);
    private final IcmpPinger pinger = new IcmpPinger(RANDOM.nextInt());
    private final PacketSink output;
    private final Map<Integer, TailnetDatagramSocket> udpPorts = new ConcurrentHashMap<>();
    /** A handful at most (quad-100's two addresses), so a scan beats building a key per packet. */
    private final List<ServiceBinding> services = new CopyOnWriteArrayList<>();
    private final Thread timers;
    private final DroppedInput timerDrops = new DroppedInput(LOG, "TCP timer run");
    private volatile List<InetAddress> addresses = List.of();
    /** The same addresses as raw bytes, compared against every inbound packet's destination. */
    private volatile byte[][] ownAddressBytes = new byte[0][];
    private volatile boolean running = true;
    /** Whether TCP to addresses not our own goes to the transparent listener ({@link #listenAnyAddress}). */
    private volatile boolean transparentTcp;
    /** Takes UDP to addresses not our own ({@link #interceptUdp}); null: such datagrams are dropped. */
    private volatile UdpService foreignUdp;
    /** Takes echo requests to addresses not our own ({@link #interceptEcho}); null: they are dropped. */
    private volatile EchoInterceptor foreignEcho;

    /**
     * Makes a stack that sends its packets to {@code output}; it has no addresses until {@link #setAddresses}.
     *
     * @param config TCP's limits and timings
     * @param output where the packets the stack originates go (into WireGuard, which routes them
     *               by destination); a burst of them (a TCP window's worth, say) ends with
     *               {@link PacketSink#endOfBatch}
     * @param room   what {@code output} wants around each packet to frame it in place; TCP
     *               segments always have it, other packets may not
     */
    public Netstack(TcpConfig config, PacketSink output, Headroom room) {
        this.output = output;
        // Blocked sockets are woken once per batch of segments, application call or timer run
        // (afterTcp), not once per event. The IP header goes into the room in front as well.
        this.tcp = new TcpStack(config, this::sendSegment,
                new Headroom(IpPacketBuilder.MAX_HEADER_LENGTH + room.front(), room.back()), new TcpEvents() {
            @Override
            public void connected(TcpConnection c) {
                changePending = true;
            }

            @Override
            public void readable(TcpConnection c) {
                changePending = true;
            }

            @Override
            public void writable(TcpConnection c) {
                changePending = true;
            }

            @Override
            public void closed(TcpConnection c) {
                changePending = true;
            }

            @Override
            public void acceptable(TcpListener l) {
                changePending = true;
            }
        }, RANDOM);
        this.timers = Thread.ofVirtual().name("microlink-tcp-timers").start(this::timerLoop);
    }

    /**
     * This node's tailnet addresses; packets to anything else are dropped.
     *
     * @param own the addresses; replaces the previous ones
     */
    public void setAddresses(List<InetAddress> own) {
        this.addresses = List.copyOf(own);
        this.ownAddressBytes = own.stream().map(InetAddress::getAddress).toArray(byte[][]::new);
    }

    /**
     * Answers UDP to {@code address}:{@code port} (an address the node serves besides its own, like quad-100).
     *
     * @param address the address the service answers on
     * @param port the UDP port
     * @param service what answers
     */
    public void addUdpService(InetAddress address, int port, UdpService service) {
        services.add(new ServiceBinding(address.getAddress(), port, service));
    }

    private record ServiceBinding(byte[] address, int port, UdpService service) {}

    /**
     * One decrypted inner packet from a peer, answered at once. The buffer is only valid during the call.
     *
     * @param buf the array holding the packet
     * @param off where it starts
     * @param len its length
     */
    public void inbound(byte[] buf, int off, int len) {
        inbound(buf, off, len, false);
    }

    /**
     * As {@link #inbound(byte[], int, int)}; {@code linkAuthenticated} says the packet came
     * through a link that authenticated its bytes (WireGuard decrypted it), so TCP does not check
     * its checksum again, as gVisor does for links with {@code RXChecksumOffload}. Packets from
     * anywhere else (a TUN device, the stack's own loopback) must pass {@code false}.
     *
     * @param buf the array holding the packet
     * @param off where it starts
     * @param len its length
     * @param linkAuthenticated whether WireGuard (or a link like it) authenticated the packet
     */
    public void inbound(byte[] buf, int off, int len, boolean linkAuthenticated) {
        try {
            IpPacket p = IpPacket.parse(buf, off, len);
            inboundOfBatch(p, linkAuthenticated);
            endOfBatch();
        } catch (MalformedPacketException e) {
            LOG.log(Level.DEBUG, "dropped a malformed inner packet: {0}", e.getMessage());
        }
    }

    /**
     * One inner packet already parsed (by the packet filter, say), answered at once. Its buffer is only valid during the call.
     *
     * @param packet the packet
     */
    public void inbound(IpPacket packet) {
        inboundOfBatch(packet);
        endOfBatch();
    }

    /**
     * One packet of a batch that arrived together; TCP's answers to it wait for
     * {@link #endOfBatch}, which the caller must call after the batch's last packet. The
     * packet's buffer is only valid during the call.
     *
     * @param packet the packet
     */
    public void inboundOfBatch(IpPacket packet) {
        inboundOfBatch(packet, false);
    }

    /**
     * As {@link #inboundOfBatch(IpPacket)}, with {@code linkAuthenticated} as in
     * {@link #inbound(byte[], int, int, boolean)}.
     *
     * @param packet the packet
     * @param linkAuthenticated whether WireGuard (or a link like it) authenticated the packet
     */
    public void inboundOfBatch(IpPacket packet, boolean linkAuthenticated) {
        long now = System.nanoTime();
        try {
            IpPacket p = packet;
            if (p.isFragment()) {
                p = reassembler.accept(p, now).orElse(null);
                if (p == null) {
                    return;
                }
            }
            switch (p.protocol()) {
                case IpProtocol.TCP -> {
                    boolean own = isOwn(p.destination());
                    if (own || transparentTcp) {
                        lock.lock();
                        try {
                            tcp.onSegment(p.source(), p.destination(), p.buffer(), p.payloadOffset(), p.payloadLength(),
                                    now, own, linkAuthenticated);
                        } finally {
                            lock.unlock();
                        }
                    }
                }
                case IpProtocol.UDP -> udp(p);
                case IpProtocol.ICMP, IpProtocol.ICMPV6 -> {
                    // ICMPv4 in IPv6 (or ICMPv6 in IPv4) is no ICMP this stack reads.
                    if (isOwn(p.destination()) && p.protocol() == Icmp.protocol(p.version())) {
                        Optional<IcmpEcho> message = IcmpEcho.parse(p);
                        if (message.isPresent() && message.get().isReply()) {
                            pinger.onReply(p.source(), message.get());
                        } else if (message.isPresent()) {
                            echo.reply(p).ifPresent(this::sendAlone);
                        }
                    } else if (foreignEcho != null && p.protocol() == Icmp.protocol(p.version())) {
                        foreignEcho(p);
                    }
                }
                default -> { } // no other protocol is served
            }
        } catch (MalformedPacketException e) {
            LOG.log(Level.DEBUG, "dropped a malformed inner packet: {0}", e.getMessage());
        }
    }

    /** Sends TCP's answers to the packets of a batch (ACKs, data they let out) and wakes blocked sockets. */
    public void endOfBatch() {
        lock.lock();
        try {
            flushLocked();
        } finally {
            lock.unlock();
        }
    }

    private void udp(IpPacket p) throws MalformedPacketException {
        UdpDatagram d = UdpDatagram.parse(p);
        for (ServiceBinding b : services) {
            if (b.port() == d.destinationPort() && Arrays.equals(b.address(), p.destination())) {
                b.service().handle(this, p, d);
                return;
            }
        }
        if (!isOwn(p.destination())) {
            UdpService foreign = foreignUdp;
            if (foreign != null) {
                foreign.handle(this, p, d);
            }
            return;
        }
        TailnetDatagramSocket socket = udpPorts.get(d.destinationPort());
        if (socket != null) {
            socket.deliver(p, d);
        } else {
            DestinationUnreachable.portUnreachable(ip, p).ifPresent(this::sendAlone);
        }
    }

    /** Prepares the reply to an echo request for another address and lets the interceptor decide on it. */
    private void foreignEcho(IpPacket p) throws MalformedPacketException {
        EchoInterceptor handler = foreignEcho;
        Optional<byte[]> reply = echo.reply(p);
        if (handler != null && reply.isPresent()) {
            try {
                handler.request(InetAddress.getByAddress(p.destination()), () -> sendAlone(reply.get()),
                        () -> hostUnreachable(p));
            } catch (java.net.UnknownHostException e) {
                throw new IllegalStateException("a parsed packet holds a malformed address", e);
            }
        }
    }

    private boolean isOwn(byte[] destination) {
        for (byte[] a : ownAddressBytes) {
            if (Arrays.equals(a, destination)) {
                return true;
            }
        }
        return false;
    }

    /** Our address of the same family as {@code remote}, to send from. */
    byte[] localAddressFor(InetAddress remote) throws SocketException {
        boolean v4 = remote instanceof Inet4Address;
        for (InetAddress a : addresses) {
            if ((a instanceof Inet4Address) == v4) {
                return a.getAddress();
            }
        }
        throw new SocketException("this node has no " + (v4 ? "IPv4" : "IPv6") + " tailnet address yet");
    }

    /**
     * A TCP segment, sent with the lock held: its IP header goes into the headroom TCP left in
     * front of it, so the packet is never copied. The burst it belongs to ends in {@link #flushLocked}.
     */
    private void sendSegment(byte[] src, byte[] dst, byte[] segment, int off, int len) {
        int header = IpPacketBuilder.headerLength(src);
        ip.writeHeader(segment, off - header, src, dst, IpProtocol.TCP, len);
        output.accept(segment, off - header, header + len);
    }

    /**
     * Answers {@code offending}, a packet for an address on a subnet this node routes that no
     * host holds, with ICMP host unreachable (IPv4) or address unreachable (IPv6) from this
     * node's own address, as a router does; never in answer to an ICMP error, a fragment past
     * the first or a multicast or broadcast packet ({@link DestinationUnreachable}), and at most
     * {@value #HOST_UNREACHABLE_PER_SECOND} a second after a burst of as many, whatever the
     * sources. Call it while the packet's buffer is valid (in the handler that was given it).
     *
     * @param offending the packet that cannot be delivered
     */
    public void hostUnreachable(IpPacket offending) {
        byte[] router;
        try {
            router = localAddressFor(InetAddress.getByAddress(offending.source()));
        } catch (IOException e) {
            return; // no address of that family yet, so nothing to answer from
        }
        DestinationUnreachable.hostUnreachable(ip, router, offending)
                .filter(error -> hostUnreachableLimit.tryAcquire(System.nanoTime()))
                .ifPresent(this::sendAlone);
    }

    /** A packet outside TCP (UDP, ICMP): a burst of one. */
    private void sendAlone(byte[] packet) {
        output.accept(packet, 0, packet.length);
        output.endOfBatch();
    }

    /**
     * Sends a UDP datagram from {@code source}:{@code sourcePort}.
     *
     * @param source one of this node's addresses
     * @param sourcePort the source port
     * @param destination the destination address
     * @param destinationPort the destination port
     * @param data the array holding the payload
     * @param off where it starts
     * @param len its length
     */
    public void sendUdp(byte[] source, int sourcePort, byte[] destination, int destinationPort, byte[] data, int off,
                        int len) {
        sendAlone(UdpDatagram.packet(ip, source, destination, sourcePort, destinationPort, data, off, len));
    }

    /**
     * Sends an ICMP (IPv4) or ICMPv6 echo request carrying {@code data} and waits for the reply.
     *
     * @param peer the address to ping
     * @param data the echo payload
     * @param timeout how long to wait for the reply
     * @return the round-trip time
     * @throws TimeoutException when no reply came within {@code timeout}
     * @throws IOException if this node has no address of the peer's family
     */
    public Duration ping(InetAddress peer, byte[] data, Duration timeout) throws IOException, TimeoutException {
        return pinger.ping(ip, localAddressFor(peer), peer, data, timeout, this::sendAlone);
    }

    /** As {@link #withTcp(Function)} for an action with no result. */
    void withTcp(Runnable action) {
        withTcp(t -> {
            action.run();
            return null;
        });
    }

    /** Runs {@code action} on the TCP stack under its lock, then sends what it caused and re-arms timers. */
    <T> T withTcp(Function<TcpStack, T> action) {
        lock.lock();
        try {
            T result = action.apply(tcp);
            flushLocked();
            return result;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Sends what inbound segments and application calls made due, ends the output's burst,
     * re-arms timers and wakes blocked sockets if anything changed. Call with the lock held.
     */
    void flushLocked() {
        tcp.flush(System.nanoTime());
        afterTcp();
        rearmTimers();
    }

    /** Ends the burst TCP just sent and wakes blocked sockets if TCP reported changes. Call with the lock held. */
    private void afterTcp() {
        output.endOfBatch();
        if (changePending) {
            changePending = false;
            changed.signalAll();
        }
    }

    /**
     * Wakes the timer thread only if a deadline now comes before the one it sleeps until. Most
     * segments just push a retransmission or delayed-ACK deadline later, and waking the thread
     * for each of them would cost a thread switch per packet. Call with the lock held.
     */
    private void rearmTimers() {
        long next = tcp.nextTimerDeadline();
        if (next == Long.MIN_VALUE
                || next != Long.MAX_VALUE && (timerWakeAt == Long.MAX_VALUE || next - timerWakeAt < 0)) {
            timerChanged.signal();
        }
    }

    private void timerLoop() {
        lock.lock();
        try {
            while (running) {
                try {
                    runTimersOnce();
                } catch (RuntimeException e) {
                    // Our bug, not the peer's right to stop every connection's timers: count it,
                    // and pause briefly so a failure that repeats cannot spin a core.
                    timerDrops.record(e);
                    timerChanged.awaitNanos(TIMER_RETRY_NANOS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    /** Does what is due now, or waits until something is. Call with the lock held. */
    private void runTimersOnce() throws InterruptedException {
        long deadline = tcp.nextTimerDeadline();
        long now = System.nanoTime();
        if (deadline == Long.MIN_VALUE) {
            tcp.flush(now);
            afterTcp();
        } else if (deadline == Long.MAX_VALUE) {
            timerWakeAt = Long.MAX_VALUE;
            timerChanged.await();
        } else if (deadline - now > 0) {
            timerWakeAt = deadline;
            timerChanged.awaitNanos(deadline - now);
        } else {
            tcp.onTimer(now);
            afterTcp();
        }
    }

    /** Timer runs that threw (a bug of ours), dropped so the timers go on. */
    long droppedTimerRuns() {
        return timerDrops.total();
    }

    /**
     * Opens a TCP connection and waits, at most {@code timeoutMillis}, for the handshake (which
     * also waits for the WireGuard session to the peer).
     *
     * @param remote the peer's address
     * @param port the TCP port, 1 to 65535
     * @param timeoutMillis how long to wait for the connection
     * @return the connected socket
     * @throws IOException if the peer refused, did not answer in time, or the stack is full
     */
    public TailnetSocket connect(InetAddress remote, int port, long timeoutMillis) throws IOException {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1-65535, got " + port);
        }
        byte[] local = localAddressFor(remote);
        TcpConnection c;
        try {
            c = withTcp(t -> t.connect(local, remote.getAddress(), port, System.nanoTime()));
        } catch (IllegalStateException e) {
            throw new SocketException(e.getMessage());
        }
        TailnetSocket socket = new TailnetSocket(this, c);
        socket.awaitConnected(remote, port, timeoutMillis);
        return socket;
    }

    /**
     * Listens for TCP on {@code port} of every tailnet address of this node.
     *
     * @param port the TCP port
     * @param backlog connections that may wait for {@code accept}
     * @return the listening socket
     * @throws IOException if the port is taken
     */
    public TailnetServerSocket listen(int port, int backlog) throws IOException {
        try {
            return new TailnetServerSocket(this, withTcp(t -> t.listen(port, backlog)));
        } catch (IllegalStateException e) {
            throw new java.net.BindException("TCP port " + port + " is already in use on this node");
        }
    }

    /**
     * Accepts TCP connections to any port of any address that is not this stack's own, as a
     * transparent proxy or a router that terminates TCP does: each accepted socket's
     * {@link TailnetSocket#getLocalSocketAddress() local address} is where its client meant to
     * go. What may reach this stack at all is the caller's to decide before {@link #inbound}.
     * Connections to the stack's own addresses still go to the port listeners.
     *
     * @param backlog connections accepted by the stack but not yet by the caller
     * @return the listener
     * @throws IOException a {@link java.net.BindException} if such a listener exists already
     */
    public TailnetServerSocket listenAnyAddress(int backlog) throws IOException {
        return listenAnyAddress(backlog, backlog);
    }

    /**
     * As {@link #listenAnyAddress(int)}, with at most {@code perSource} of the backlog's
     * connections still in their handshake from one source address: a relay for many clients
     * gives each a share, so one client's unanswered SYNs cannot keep the others out.
     *
     * @param backlog connections accepted by the stack but not yet by the caller
     * @param perSource half-open connections one source address may hold
     * @return the listener
     * @throws IOException a {@link java.net.BindException} if such a listener exists already
     */
    public TailnetServerSocket listenAnyAddress(int backlog, int perSource) throws IOException {
        TailnetServerSocket socket;
        try {
            socket = new TailnetServerSocket(this, withTcp(t -> t.listenTransparent(backlog, perSource)));
        } catch (IllegalStateException e) {
            throw new java.net.BindException("this stack already accepts TCP to any address");
        }
        transparentTcp = true;
        return socket;
    }

    /**
     * Hands UDP datagrams to addresses that are not this stack's own to {@code handler}, on the
     * inbound thread (it must not block); it answers with {@link #sendUdp} from the address the
     * datagram was sent to. Null stops it: such datagrams are dropped again.
     *
     * @param handler what takes the datagrams, or null
     */
    public void interceptUdp(UdpService handler) {
        foreignUdp = handler;
    }

    /**
     * Hands ICMP echo requests to addresses that are not this stack's own to {@code handler},
     * which answers them (from that address) when it learns the address is alive, as a router
     * that relays pings would. Null stops it: such requests are dropped again.
     *
     * @param handler what takes the requests, or null
     */
    public void interceptEcho(EchoInterceptor handler) {
        foreignEcho = handler;
    }

    /**
     * Tells TCP that the way to the peers changed under it (the node moved, or switched uplink):
     * connections with data in flight send it again now rather than after a retransmission
     * timeout that kept doubling while the old way was dead ({@link TcpStack#pathChanged}).
     *
     * <pre>{@code
     * netstack.pathChanged(); // after the data plane rebound its socket and reset its paths
     * }</pre>
     */
    public void pathChanged() {
        withTcp(t -> {
            t.pathChanged(System.nanoTime());
            return null;
        });
    }

    /**
     * TCP connections of this stack now, in any state but CLOSED (TIME-WAIT included).
     *
     * @return the count
     */
    public int tcpConnectionCount() {
        return withTcp(TcpStack::connectionCount);
    }

    /**
     * Connections refused or reset so far because their buffers would have passed the stack's
     * budget ({@link TcpConfig#maxBufferBytes}): a SYN answered with RST, or a connection reset on
     * its first data.
     *
     * @return the count
     */
    public long tcpBufferRefusals() {
        return withTcp(TcpStack::bufferRefusals);
    }

    /**
     * UDP sockets bound on this stack now.
     *
     * @return the count
     */
    public int udpSocketCount() {
        return udpPorts.size();
    }

    /**
     * Binds a UDP port ({@code 0}: an ephemeral one).
     *
     * @param port the UDP port, or 0
     * @return the bound socket
     * @throws IOException if the port is taken
     */
    public TailnetDatagramSocket bindUdp(int port) throws IOException {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0-65535, got " + port);
        }
        if (port != 0) {
            TailnetDatagramSocket s = new TailnetDatagramSocket(this, port);
            if (udpPorts.putIfAbsent(port, s) != null) {
                throw new java.net.BindException("UDP port " + port + " is already in use on this node");
            }
            return s;
        }
        int start = RANDOM.nextInt(65536 - EPHEMERAL_UDP_FIRST);
        for (int i = 0; i < 65536 - EPHEMERAL_UDP_FIRST; i++) {
            int candidate = EPHEMERAL_UDP_FIRST + (start + i) % (65536 - EPHEMERAL_UDP_FIRST);
            TailnetDatagramSocket s = new TailnetDatagramSocket(this, candidate);
            if (udpPorts.putIfAbsent(candidate, s) == null) {
                return s;
            }
        }
        throw new java.net.BindException("no free UDP port on this node");
    }

    void unbindUdp(TailnetDatagramSocket socket) {
        udpPorts.remove(socket.localPort(), socket);
    }

    /**
     * Waits on {@link #changed} for at most {@code nanos}; returns what is left. Call with the
     * lock held. Once the stack is closed every wait ends with an exception, so no socket call
     * outlives its node.
     */
    long await(long nanos) throws InterruptedException, SocketException {
        if (!running) {
            throw new SocketException("the tailnet node stopped");
        }
        return changed.awaitNanos(nanos);
    }

    @Override
    public void close() {
        lock.lock();
        try {
            running = false;
            changed.signalAll(); // blocked sockets wake, see the stack stopped and throw
        } finally {
            lock.unlock();
        }
        timers.interrupt();
        udpPorts.values().forEach(TailnetDatagramSocket::close);
        try {
            timers.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
