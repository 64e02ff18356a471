package io.microlink.netstack.tcp;

import io.microlink.netstack.Headroom;
import static io.microlink.netstack.tcp.TcpSegment.ACK;
import static io.microlink.netstack.tcp.TcpSegment.RST;
import static io.microlink.netstack.tcp.TcpSegment.SYN;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;

/**
 * The TCP layer of the userspace stack, sans I/O: the IP layer hands it segments
 * ({@link #onSegment}), it hands back segments through a {@link SegmentOutput} and tells a
 * socket layer what changed through {@link TcpEvents}. Time comes in as {@code nowNanos}
 * (monotonic, e.g. {@link System#nanoTime()}); the runtime calls {@link #onTimer} at
 * {@link #nextTimerDeadline()}, and {@link #flush} after application calls on a connection and
 * after a batch of inbound segments (so segments that arrived together get one ACK, as with GRO
 * in a kernel). It demultiplexes by 4-tuple, answers segments for no connection with RST (RFC 9293 §3.10.7.1),
 * and bounds the number of connections. Not thread-safe: one lock or one event loop per stack.
 *
 * <pre>{@code
 * TcpStack tcp = new TcpStack(TcpConfig.defaults(), ipLayer::sendTcp, Headroom.NONE, socketLayer, new SecureRandom());
 * TcpListener l = tcp.listen(22, 128);
 * tcp.onSegment(srcIp, dstIp, packet, tcpOffset, tcpLength, System.nanoTime());
 * tcp.flush(System.nanoTime());            // after the last segment of a batch
 * long wakeAt = tcp.nextTimerDeadline();
 * }</pre>
 */
public final class TcpStack {
    private final TcpConfig config;
    private final SegmentOutput output;
    /** Left free around each segment in the scratch buffer, for the layers below to frame it in place. */
    private final Headroom room;
    private final TcpEvents events;
    private final IsnGenerator isn;
    private final EphemeralPorts ephemeralPorts;
    private final HashMap<ConnectionKey, TcpConnection> connections = new HashMap<>();
    private final ArrayList<TcpConnection> connectionList = new ArrayList<>();
    private final HashMap<Integer, TcpListener> listeners = new HashMap<>();
    /** Takes SYNs to addresses that are not the stack's own ({@link #listenTransparent}); null when none. */
    private TcpListener transparent;
    private final ArrayList<TcpConnection> dirty = new ArrayList<>();
    private final ConnectionKey probe = new ConnectionKey();
    private final TcpSegment incoming = new TcpSegment();
    private final TcpSegment outgoing = new TcpSegment();
    private final byte[] scratch;
    private boolean sweepNeeded;
    /** Bytes the connections' buffers grew by, together; given back as each buffer is released. */
    private long bufferGrowth;
    /** Initial buffer bytes the connections took as their buffers got memory; given back as each buffer is released. */
    private long bufferReserved;
    /** Passive opens in SYN-RECEIVED, across all listeners. */
    private int halfOpen;
    /** SYNs refused and connections reset because the buffer budget was spent. */
    private long bufferRefusals;

    /**
     * A TCP stack for the addresses its caller gives it; it sends nothing until a segment or a call asks it to.
     *
     * @param config limits and timings
     * @param output where segments go
     * @param events what learns of connection changes
     * @param random picks initial sequence numbers and ephemeral ports
     * @param room free bytes to leave before and after each segment sent through {@code output}
     */
    public TcpStack(TcpConfig config, SegmentOutput output, Headroom room, TcpEvents events, SecureRandom random) {
        this.config = config;
        this.output = output;
        this.room = room;
        this.events = events;
        this.isn = new IsnGenerator(random);
        this.ephemeralPorts = new EphemeralPorts(random);
        this.scratch = new byte[room.front() + TcpSegment.MAX_HEADER_LENGTH + Math.max(config.mssIpv4(), config.mssIpv6())
                + room.back()];
    }

    /**
     * Listens on {@code port} on every local address.
     *
     * @param port the TCP port
     * @param backlog connections that may wait for {@code accept}
     * @return the listener
     * @throws IllegalStateException if the port is taken
     */
    public TcpListener listen(int port, int backlog) {
        if (port <= 0 || port > 0xffff || backlog <= 0) {
            throw new IllegalArgumentException("port 1-65535 and a positive backlog");
        }
        if (listeners.containsKey(port)) {
            throw new IllegalStateException("port " + port + " already has a listener");
        }
        TcpListener l = new TcpListener(this, port, backlog, backlog);
        listeners.put(port, l);
        return l;
    }

    /**
     * Listens on every port of every address that is not the stack's own: the segments the
     * caller hands to {@link #onSegment(byte[], byte[], byte[], int, int, long, boolean)} as
     * not local. A connection accepted this way has the address and port its client asked
     * for as its local end, so a relay can read where the client meant to go.
     *
     * @param backlog connections accepted but not yet taken by the caller
     * @param perSource at most this many of them still half-open from one source address (a
     *                  relay for many clients gives each a share, so one client's SYN flood
     *                  cannot starve the others); {@code backlog} for no such bound
     * @return the listener
     */
    public TcpListener listenTransparent(int backlog, int perSource) {
        if (backlog <= 0 || perSource <= 0) {
            throw new IllegalArgumentException("a positive backlog and share");
        }
        if (transparent != null) {
            throw new IllegalStateException("a transparent listener exists already");
        }
        transparent = new TcpListener(this, 0, backlog, perSource);
        return transparent;
    }

    /**
     * Starts an active open from an ephemeral port ({@link EphemeralPorts}: successive ones
     * towards one destination, so a pair the peer may still hold in TIME-WAIT does not come
     * back soon) and sends the SYN. The events'
     * {@code connected} or {@code closed} (with {@link TcpError#REFUSED} or
     * {@link TcpError#TIMED_OUT}) tells how it went.
     *
     * @param localIp the local address
     * @param remoteIp the peer's address
     * @param remotePort the peer's port
     * @param nowNanos the time now
     * @return the connection, in SYN-SENT
     * @throws IllegalStateException when the connection bound is reached or no ephemeral port is free
     */
    public TcpConnection connect(byte[] localIp, byte[] remoteIp, int remotePort, long nowNanos) {
        if (connections.size() >= config.maxConnections()) {
            throw new IllegalStateException("too many TCP connections: " + config.maxConnections());
        }
        if (!roomForAnotherConnection()) {
            throw new IllegalStateException("TCP buffer memory is at its limit of " + config.maxBufferBytes() + " bytes");
        }
        int port = ephemeralPorts.pick(localIp, remoteIp, remotePort,
                p -> !listeners.containsKey(p) && !connections.containsKey(probe.set(localIp, p, remoteIp, remotePort)));
        if (port < 0) {
            throw new IllegalStateException("no free ephemeral port towards that peer");
        }
        ConnectionKey key = probe.set(localIp, port, remoteIp, remotePort).copy();
        TcpConnection c = TcpConnection.connect(this, key, localIp.clone(), port, remoteIp.clone(), remotePort,
                isn.next(localIp, port, remoteIp, remotePort, nowNanos), nowNanos);
        add(c);
        return c;
    }

    /**
     * Takes one inbound TCP segment; {@code b[off..off+len)} is everything after the IP header.
     * Only a reset for a segment no connection wants goes out at once; what a connection
     * answers waits for {@link #flush}.
     *
     * @param srcIp the IP source address
     * @param dstIp the IP destination address
     * @param b the buffer
     * @param off where the segment starts
     * @param len its length
     * @param nowNanos the time now
     */
    public void onSegment(byte[] srcIp, byte[] dstIp, byte[] b, int off, int len, long nowNanos) {
        onSegment(srcIp, dstIp, b, off, len, nowNanos, true);
    }

    /**
     * As {@link #onSegment(byte[], byte[], byte[], int, int, long)}; {@code toLocalAddress}
     * false means {@code dstIp} is not the stack's own, so only an existing connection or the
     * {@link #listenTransparent transparent listener} may take the segment.
     *
     * @param srcIp the IP source address
     * @param dstIp the IP destination address
     * @param b the buffer
     * @param off where the segment starts
     * @param len its length
     * @param nowNanos the time now
     * @param toLocalAddress whether {@code dstIp} is one of the stack's own addresses
     */
    public void onSegment(byte[] srcIp, byte[] dstIp, byte[] b, int off, int len, long nowNanos,
                          boolean toLocalAddress) {
        onSegment(srcIp, dstIp, b, off, len, nowNanos, toLocalAddress, false);
    }

    /**
     * As {@link #onSegment(byte[], byte[], byte[], int, int, long, boolean)}; when
     * {@code linkAuthenticated} the link below (WireGuard) vouches for the segment's bytes and
     * its checksum is not checked again ({@link TcpSegment#parse(byte[], byte[], byte[], int, int, boolean)}).
     *
     * @param srcIp the IP source address
     * @param dstIp the IP destination address
     * @param b the buffer
     * @param off where the segment starts
     * @param len its length
     * @param nowNanos the time now
     * @param toLocalAddress whether {@code dstIp} is one of the stack's own addresses
     * @param linkAuthenticated whether the segment came through an authenticated link
     */
    public void onSegment(byte[] srcIp, byte[] dstIp, byte[] b, int off, int len, long nowNanos,
                          boolean toLocalAddress, boolean linkAuthenticated) {
        TcpSegment seg = incoming;
        if (!seg.parse(srcIp, dstIp, b, off, len, linkAuthenticated)) {
            return;
        }
        TcpListener l = toLocalAddress ? listeners.get(seg.dstPort) : transparent;
        TcpConnection c = connections.get(probe.set(dstIp, seg.dstPort, srcIp, seg.srcPort));
        if (c != null && l != null && c.isReopenedBy(seg)) {
            c.terminate(null); // and the listener below takes the SYN
        } else if (c != null && c.state() != TcpState.CLOSED) {
            c.onSegment(seg, b, nowNanos);
            sweep();
            return;
        }
        if (seg.has(RST)) {
            return;
        }
        if (l == null || seg.has(ACK)) {
            // RFC 9293 §3.10.7.1: make the RST acceptable to the sender: take its ACK as our
            // sequence number, or else acknowledge exactly what it sent.
            if (seg.has(ACK)) {
                sendReset(dstIp, srcIp, seg.dstPort, seg.srcPort, seg.ack, 0, RST);
            } else {
                sendReset(dstIp, srcIp, seg.dstPort, seg.srcPort, 0, seg.seq + seg.sequenceLength(), RST | ACK);
            }
            return;
        }
        if (!seg.has(SYN) || l.fullFor(srcIp) || halfOpen >= config.maxHalfOpen()) {
            return; // as a full SYN queue: the client retries
        }
        boolean noRoom = !roomForAnotherConnection();
        if (connections.size() >= config.maxConnections() || noRoom) {
            // Full for longer than a retry would wait: refuse clearly.
            if (noRoom) {
                bufferRefusals++;
            }
            sendReset(dstIp, srcIp, seg.dstPort, seg.srcPort, 0, seg.seq + seg.sequenceLength(), RST | ACK);
            return;
        }
        ConnectionKey key = probe.copy();
        l.opened(srcIp);
        halfOpen++;
        TcpConnection accepted = TcpConnection.accept(this, key, dstIp.clone(), srcIp.clone(), seg,
                isn.next(dstIp, seg.dstPort, srcIp, seg.srcPort, nowNanos), nowNanos);
        accepted.listener = l;
        add(accepted);
    }

    /**
     * Fires the timers that are due and sends what they cause.
     *
     * @param nowNanos the time now
     */
    public void onTimer(long nowNanos) {
        for (int i = connectionList.size() - 1; i >= 0; i--) {
            TcpConnection c = connectionList.get(i);
            if (c.nextDeadline() <= nowNanos) {
                c.onTimer(nowNanos);
            }
        }
        flush(nowNanos);
    }

    /**
     * The way to the peers changed (the data plane moved its paths after a network change or an
     * uplink switch): every connection with data in flight sends it again now instead of waiting
     * out a retransmission timeout that doubled while the old way was dead, and its timer restarts
     * without the backoff. Connections with nothing in flight are left alone.
     *
     * <pre>{@code
     * tcp.pathChanged(System.nanoTime()); // sends at once, as onTimer does
     * }</pre>
     *
     * @param nowNanos the time now
     */
    public void pathChanged(long nowNanos) {
        for (int i = 0; i < connectionList.size(); i++) {
            connectionList.get(i).pathChanged(nowNanos);
        }
        flush(nowNanos);
    }

    /**
     * Sends what inbound segments and application calls (write, read, shutdownOutput, close, abort) made due.
     *
     * @param nowNanos the time now
     */
    public void flush(long nowNanos) {
        for (int i = 0; i < dirty.size(); i++) {
            TcpConnection c = dirty.get(i);
            c.dirty = false;
            c.flush(nowNanos);
        }
        dirty.clear();
        sweep();
    }

    /**
     * When {@link #onTimer} should run next: {@link Long#MIN_VALUE} when segments or application
     * calls left something to {@link #flush}, {@link Long#MAX_VALUE} when nothing is scheduled.
     *
     * @return a {@link System#nanoTime()} value, or one of the two extremes
     */
    public long nextTimerDeadline() {
        if (!dirty.isEmpty()) {
            return Long.MIN_VALUE;
        }
        long next = Long.MAX_VALUE;
        for (int i = 0; i < connectionList.size(); i++) {
            next = Math.min(next, connectionList.get(i).nextDeadline());
        }
        return next;
    }

    /** Whether one more connection's buffers at their initial sizes fit the budget. */
    private boolean roomForAnotherConnection() {
        return bufferReserved + config.initialSendBufferBytes() + config.initialReceiveBufferBytes()
                <= config.maxBufferBytes();
    }

    /** Takes {@code bytes} of the initial-buffer budget for a buffer getting its memory; false when it is spent. */
    boolean reserveBuffer(int bytes) {
        if (bufferReserved + bytes > config.maxBufferBytes()) {
            bufferRefusals++;
            return false;
        }
        bufferReserved += bytes;
        return true;
    }

    /** Gives back what a released buffer took: {@code reserved} initial bytes and {@code growth} bytes of growth. */
    void releaseBuffer(int reserved, int growth) {
        bufferReserved -= reserved;
        bufferGrowth -= growth;
    }

    /**
     * SYNs refused with RST, and connections reset at their first data, because the connections'
     * buffers had spent {@link TcpConfig#maxBufferBytes}: how often the stack turned away a
     * flood that would otherwise have filled the heap.
     *
     * @return the count since the stack was made
     */
    public long bufferRefusals() {
        return bufferRefusals;
    }

    /** Bytes of the initial-buffer budget in use. */
    long reservedBufferBytes() {
        return bufferReserved;
    }

    /** Bytes of the growth budget in use. */
    long bufferGrowthBytes() {
        return bufferGrowth;
    }

    /** Buffer memory the connections hold now, together (initial sizes and growth). */
    long bufferMemory() {
        long sum = 0;
        for (int i = 0; i < connectionList.size(); i++) {
            sum += connectionList.get(i).bufferMemory();
        }
        return sum;
    }

    /**
     * Passive opens still in SYN-RECEIVED.
     *
     * @return the count
     */
    public int halfOpenCount() {
        return halfOpen;
    }

    /**
     * Connections in any state but CLOSED, including those in TIME-WAIT.
     *
     * @return the count
     */
    public int connectionCount() {
        return connections.size();
    }

    TcpConfig config() {
        return config;
    }

    TcpEvents events() {
        return events;
    }

    TcpSegment outgoing() {
        outgoing.clear();
        return outgoing;
    }

    void markDirty(TcpConnection c) {
        if (!c.dirty) {
            c.dirty = true;
            dirty.add(c);
        }
    }

    /** Takes {@code bytes} of the growth budget for a connection's buffer; false when it is spent. */
    boolean reserveBufferGrowth(int bytes) {
        if (bufferGrowth + bytes > config.maxBufferGrowthBytes()) {
            return false;
        }
        bufferGrowth += bytes;
        return true;
    }

    void onEstablished(TcpConnection c) {
        events.connected(c);
        TcpListener l = c.listener;
        if (l != null) {
            halfOpen--;
            l.enqueue(c);
            events.acceptable(l);
        }
    }

    void onTerminated() {
        sweepNeeded = true;
    }

    void unlisten(TcpListener l) {
        if (l == transparent) {
            transparent = null;
        }
        listeners.remove(l.port(), l);
    }

    void sendReset(byte[] srcIp, byte[] dstIp, int srcPort, int dstPort, int seq, int ack, int flags) {
        TcpSegment seg = outgoing();
        seg.srcPort = srcPort;
        seg.dstPort = dstPort;
        seg.seq = seq;
        seg.ack = ack;
        seg.flags = flags;
        emit(srcIp, dstIp, seg, null, 0, 0);
    }

    /**
     * Writes {@code seg} and {@code len} bytes from {@code data} at {@code dataOffset} into the
     * scratch buffer, after the room in front, and sends it.
     */
    void emit(byte[] srcIp, byte[] dstIp, TcpSegment seg, SendBuffer data, int dataOffset, int len) {
        int at = room.front();
        int headerLength = seg.writeHeader(scratch, at);
        if (len > 0) {
            data.copy(dataOffset, scratch, at + headerLength, len);
        }
        TcpSegment.fillChecksum(srcIp, dstIp, scratch, at, headerLength + len);
        output.send(srcIp, dstIp, scratch, at, headerLength + len);
    }

    private void add(TcpConnection c) {
        connections.put(c.key, c);
        connectionList.add(c);
    }

    /** Forgets connections that reached CLOSED, once anything they still had to send is sent. */
    private void sweep() {
        if (!sweepNeeded) {
            return;
        }
        sweepNeeded = false;
        for (int i = connectionList.size() - 1; i >= 0; i--) {
            TcpConnection c = connectionList.get(i);
            if (c.state() != TcpState.CLOSED) {
                continue;
            }
            if (c.dirty) {
                sweepNeeded = true;
            } else {
                connectionList.set(i, connectionList.getLast());
                connectionList.removeLast();
                connections.remove(c.key, c);
                if (c.listener != null) {
                    if (c.listener.forget(c)) {
                        halfOpen--;
                    }
                    c.listener = null;
                }
            }
        }
    }
}
