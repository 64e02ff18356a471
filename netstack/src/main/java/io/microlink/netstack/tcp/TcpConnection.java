package io.microlink.netstack.tcp;

import static io.microlink.netstack.tcp.TcpSegment.ACK;
import static io.microlink.netstack.tcp.TcpSegment.FIN;
import static io.microlink.netstack.tcp.TcpSegment.PSH;
import static io.microlink.netstack.tcp.TcpSegment.RST;
import static io.microlink.netstack.tcp.TcpSegment.SYN;

/**
 * One TCP connection: the RFC 9293 state machine with its send and receive buffers, timers and
 * congestion control. It is created by {@link TcpStack#connect} or by a {@link TcpListener}, and
 * driven by its stack: nothing here reads a clock or does I/O. The application side
 * ({@link #read}, {@link #write}, {@link #shutdownOutput}, {@link #close}, {@link #abort}) only
 * changes state; the segments those calls cause go out on the stack's next
 * {@link TcpStack#flush}, so a socket layer calls that after them (and after inbound segments).
 * Not thread-safe: the socket layer serialises all calls into one stack.
 *
 * <pre>{@code
 * TcpConnection c = stack.connect(localIp, remoteIp, 80, System.nanoTime());
 * // after the events' connected(c):
 * int accepted = c.write(request, 0, request.length);
 * stack.flush(System.nanoTime());
 * int n = c.read(buffer, 0, buffer.length); // 0: nothing yet, -1: the peer finished
 * }</pre>
 */
public final class TcpConnection {
    /** Retransmissions of one segment before giving up, as Linux's tcp_retries2 (about 15 minutes). */
    private static final int MAX_RETRANSMITS = 15;
    /** SYN retransmissions before giving up, as Linux's tcp_syn_retries. */
    private static final int MAX_SYN_RETRANSMITS = 6;
    /** The smallest MSS we honour, as Linux: a peer announcing less would make us send floods of tiny segments. */
    private static final int MIN_MSS = 88;
    private static final int MAX_WINDOW_FIELD = 0xffff;
    private static final long NONE = Long.MAX_VALUE;

    private final TcpStack stack;
    private final TcpConfig config;
    final ConnectionKey key;
    private final byte[] localIp;
    private final int localPort;
    private final byte[] remoteIp;
    private final int remotePort;
    /** The listener whose accept queue this connection is bound for, until it is accepted. */
    TcpListener listener;
    boolean dirty;

    private TcpState state;
    private TcpError error;

    private final int iss;
    private int sndUna;
    private int sndNxt;
    /** The highest sndNxt so far: a timeout rewinds sndNxt to sndUna, this remembers what was sent. */
    private int sndMax;
    private int sndWl1;
    private int sndWl2;
    private long sndWnd;
    private long maxSndWnd;
    private int sndShift;
    private int sendMss;
    private boolean synAcked;
    private final SendBuffer sendBuffer;
    private boolean finQueued;
    private int finSeq;
    private boolean rstPending;
    private NewReno congestion;

    private int rcvNxt;
    private final int ourMss;
    private final int offeredShift;
    private int rcvShift;
    private boolean windowScaling;
    private int rcvAdvertisedEdge;
    // Receive-buffer tuning (Linux's dynamic right-sizing): the time the peer takes to fill a
    // window we offered bounds the round trip from above; the buffer is kept at twice what the
    // application reads in one such round trip.
    /** The smallest time the peer took to fill an offered window, or 0 before the first. */
    private long rcvRttNanos;
    /** The window edge being timed, and when timing began ({@code NONE}: not timing). */
    private int rcvRttSeq;
    private long rcvRttStart = NONE;
    /** The most the application read in one round trip so far, and what it read in this one since when. */
    private int rcvSpace;
    private int readThisRound;
    private long readRoundStart = NONE;
    private final ReceiveBuffer receiveBuffer;
    private boolean peerFinSeen;
    private int peerFinSeq;
    private boolean finReceived;
    private boolean inputClosed;
    private int unackedSegments;
    private boolean ackNow;
    /** The application read since the last flush, so the window may have opened enough to announce. */
    private boolean readSinceFlush;
    /** Whether a buffer gave its memory and budget back; nothing uses it afterwards. */
    private boolean sendBufferReleased;
    private boolean receiveBufferReleased;

    private final RttEstimator rtt = new RttEstimator();
    private boolean rttTiming;
    private int rttSeq;
    private long rttStartNanos;
    private long retransmitAt = NONE;
    private long delayedAckAt = NONE;
    private long persistAt = NONE;
    private int persistBackoffs;
    private long keepAliveAt = NONE;
    private int keepAliveProbesSent;
    private long timeWaitEndsAt = NONE;

    private TcpConnection(TcpStack stack, ConnectionKey key, byte[] localIp, int localPort, byte[] remoteIp,
            int remotePort, int iss) {
        this.stack = stack;
        this.config = stack.config();
        this.key = key;
        this.localIp = localIp;
        this.localPort = localPort;
        this.remoteIp = remoteIp;
        this.remotePort = remotePort;
        this.iss = iss;
        this.sndUna = iss;
        this.sndNxt = iss;
        this.sndMax = iss;
        this.sendBuffer = new SendBuffer(config.initialSendBufferBytes());
        this.receiveBuffer = new ReceiveBuffer(config.initialReceiveBufferBytes());
        this.ourMss = config.mssFor(localIp);
        int shift = 0;
        while (shift < TcpSegment.MAX_WINDOW_SHIFT && (config.receiveBufferBytes() >>> shift) > MAX_WINDOW_FIELD) {
            shift++;
        }
        this.offeredShift = shift;
    }

    /** Active open: sends the SYN. */
    static TcpConnection connect(TcpStack stack, ConnectionKey key, byte[] localIp, int localPort, byte[] remoteIp,
            int remotePort, int iss, long nowNanos) {
        TcpConnection c = new TcpConnection(stack, key, localIp, localPort, remoteIp, remotePort, iss);
        c.state = TcpState.SYN_SENT;
        c.sendSyn(nowNanos);
        return c;
    }

    /** Passive open from a listener's SYN: sends the SYN-ACK. */
    static TcpConnection accept(TcpStack stack, ConnectionKey key, byte[] localIp, byte[] remoteIp, TcpSegment syn,
            int iss, long nowNanos) {
        TcpConnection c = new TcpConnection(stack, key, localIp, syn.dstPort, remoteIp, syn.srcPort, iss);
        c.state = TcpState.SYN_RECEIVED;
        c.takeSynOptions(syn);
        c.sendSyn(nowNanos);
        return c;
    }

    /**
     * Where the connection is in RFC 9293's state machine.
     *
     * @return the state
     */
    public TcpState state() {
        return state;
    }

    /**
     * Why the connection failed, or null while it is open or after an orderly close.
     *
     * @return the failure, or null
     */
    public TcpError error() {
        return error;
    }

    /**
     * This end's address.
     *
     * @return 4 or 16 bytes
     */
    public byte[] localIp() {
        return localIp.clone();
    }

    /**
     * This end's port.
     *
     * @return the port
     */
    public int localPort() {
        return localPort;
    }

    /**
     * The other end's address.
     *
     * @return 4 or 16 bytes
     */
    public byte[] remoteIp() {
        return remoteIp.clone();
    }

    /**
     * The other end's port.
     *
     * @return the port
     */
    public int remotePort() {
        return remotePort;
    }

    /**
     * Bytes {@link #read} can return now without waiting.
     *
     * @return the readable bytes
     */
    public int available() {
        return receiveBuffer.readable();
    }

    /**
     * Bytes {@link #write} would accept now; 0 once output is shut down or the connection failed.
     *
     * @return the free room in the send buffer
     */
    public int writable() {
        return canWrite() ? sendBuffer.free() : 0;
    }

    /**
     * The MSS this side sends with: the smaller of ours and the peer's.
     *
     * @return the MSS in bytes
     */
    public int sendMss() {
        return sendMss;
    }

    /**
     * Queues up to {@code len} bytes for sending and returns how many fit in the send buffer
     * (0 when it is full), or -1 when the connection can no longer send: output shut down,
     * reset, or closed. Data written before the handshake completes goes out after it.
     *
     * @param b the array holding the data
     * @param off where it starts
     * @param len its length
     * @return the bytes queued, 0, or -1
     */
    public int write(byte[] b, int off, int len) {
        if (!canWrite()) {
            return -1;
        }
        if (sendBuffer.free() < len) {
            growSendBufferIfLimiting();
        }
        if (len > 0 && !sendBuffer.hasMemory()) {
            if (!reserveInitialBuffer(config.initialSendBufferBytes())) {
                return -1;
            }
            sendBuffer.allocate();
        }
        int n = sendBuffer.write(b, off, len);
        if (n > 0) {
            stack.markDirty(this);
        }
        return n;
    }

    /**
     * Reads up to {@code len} received bytes. Returns 0 when none are there yet, -1 once the
     * peer's FIN has been read past, or the connection failed ({@link #error()} says how).
     *
     * @param b the array the data goes to
     * @param off where it starts
     * @param len the most bytes to read
     * @return the bytes read, 0, or -1
     */
    public int read(byte[] b, int off, int len) {
        int n = receiveBuffer.read(b, off, len);
        if (n > 0) {
            readThisRound += n;
            // The window may have opened enough to announce (RFC 1122 receiver SWS avoidance).
            readSinceFlush = true;
            stack.markDirty(this);
            releaseFinishedBuffers();
            return n;
        }
        return finReceived || error != null || state == TcpState.CLOSED ? -1 : 0;
    }

    /** Half-close: sends FIN after the queued data; reading goes on until the peer's FIN. */
    public void shutdownOutput() {
        if (finQueued || state == TcpState.CLOSED || state == TcpState.TIME_WAIT) {
            return;
        }
        finQueued = true;
        finSeq = dataStartSeq() + sendBuffer.length();
        if (state == TcpState.ESTABLISHED) {
            state = TcpState.FIN_WAIT_1;
        } else if (state == TcpState.CLOSE_WAIT) {
            state = TcpState.LAST_ACK;
        }
        stack.markDirty(this);
    }

    /**
     * Closes both directions. Unread received data makes this an {@link #abort} (RFC 2525 §2.17),
     * so the peer learns its data was lost; otherwise queued data and a FIN still go out, and data
     * arriving afterwards is answered with RST.
     */
    public void close() {
        inputClosed = true;
        if (receiveBuffer.readable() > 0) {
            abort();
        } else if (state == TcpState.SYN_SENT) {
            terminate(null);
        } else {
            shutdownOutput();
        }
        // After an orderly end the connection may be CLOSED already, with data still unread.
        releaseFinishedBuffers();
    }

    /** Drops the connection at once and tells the peer with RST. */
    public void abort() {
        if (state == TcpState.CLOSED) {
            return;
        }
        rstPending = state != TcpState.SYN_SENT && state != TcpState.TIME_WAIT;
        terminate(TcpError.ABORTED);
        stack.markDirty(this);
    }

    private boolean canWrite() {
        return !finQueued && error == null && state != TcpState.CLOSED;
    }

    private int dataStartSeq() {
        return synAcked ? sndUna : iss + 1;
    }

    // ---- inbound segments (RFC 9293 §3.10.7) ----

    void onSegment(TcpSegment seg, byte[] buf, long now) {
        if (state == TcpState.SYN_SENT) {
            onSegmentInSynSent(seg, now);
        } else {
            onSegmentSynchronized(seg, buf, now);
        }
        if (state != TcpState.CLOSED && receiveBuffer.hasOutOfOrder()) {
            // RFC 5681 §4.2: past a hole every segment gets its own (duplicate) ACK at once;
            // the sender counts them to retransmit fast.
            transmitPending(now, false);
        } else {
            // Otherwise what this segment makes due (an ACK, data its ACK let out) goes out on
            // the stack's next flush, so segments that arrived together are answered once.
            stack.markDirty(this);
        }
        releaseFinishedBuffers();
    }

    private void onSegmentInSynSent(TcpSegment seg, long now) {
        boolean ackAcceptable = seg.has(ACK) && Seq.gt(seg.ack, iss) && Seq.leq(seg.ack, sndNxt);
        if (seg.has(ACK) && !ackAcceptable) {
            if (!seg.has(RST)) {
                stack.sendReset(localIp, remoteIp, localPort, remotePort, seg.ack, 0, RST);
            }
            return;
        }
        if (seg.has(RST)) {
            if (ackAcceptable) {
                terminate(TcpError.REFUSED);
            }
            return;
        }
        if (!seg.has(SYN)) {
            return;
        }
        takeSynOptions(seg);
        if (ackAcceptable) {
            onNewAck(seg.ack, now);
            establish(now);
            ackNow = true;
        } else {
            // Simultaneous open (RFC 9293 figure 7): answer their SYN with SYN-ACK of our ISS.
            state = TcpState.SYN_RECEIVED;
            sendSegment(iss, SYN | ACK, 0, 0);
        }
    }

    private void onSegmentSynchronized(TcpSegment seg, byte[] buf, long now) {
        if (state == TcpState.SYN_RECEIVED && seg.has(SYN) && seg.has(ACK) && seg.seq == rcvNxt - 1) {
            // Simultaneous open (RFC 9293 figure 7): the peer's SYN-ACK repeats the SYN we
            // already hold; what is new in it is the ACK of ours.
            seg.flags &= ~SYN;
            seg.seq = rcvNxt;
        }
        int window = receiveWindow();
        int segLen = seg.sequenceLength();
        boolean acceptable = segLen == 0
                ? (window == 0 ? seg.seq == rcvNxt : Seq.inWindow(seg.seq, rcvNxt, window))
                : window > 0 && (Seq.inWindow(seg.seq, rcvNxt, window) || Seq.inWindow(seg.seq + segLen - 1, rcvNxt, window));
        // RFC 9293 §3.10.7.4: with a zero window, still take the ACK of a segment at rcvNxt.
        boolean ackOnly = !acceptable && window == 0 && seg.seq == rcvNxt;
        if (!acceptable && !ackOnly) {
            if (!seg.has(RST)) {
                ackNow = true;
            }
            return;
        }
        if (seg.has(RST)) {
            onReset(seg);
            return;
        }
        if (seg.has(SYN)) {
            // RFC 5961 §4: a SYN in window may be forged; a challenge ACK lets a real peer that lost state send RST at rcvNxt.
            ackNow = true;
            return;
        }
        if (!seg.has(ACK)) {
            return;
        }
        noteActivity(now);
        if (state == TcpState.SYN_RECEIVED) {
            if (!Seq.gt(seg.ack, sndUna) || Seq.gt(seg.ack, sndNxt)) {
                stack.sendReset(localIp, remoteIp, localPort, remotePort, seg.ack, 0, RST);
                return;
            }
            establish(now);
        }
        if (!processAck(seg, now) || state == TcpState.CLOSED) {
            return;
        }
        if (ackOnly) {
            return;
        }
        int dataOffset = seg.payloadOffset;
        int dataLength = seg.payloadLength;
        int seq = seg.seq;
        boolean fin = seg.has(FIN);
        int before = rcvNxt - seq;
        if (before > 0) {
            dataOffset += before;
            dataLength -= before;
            seq = rcvNxt;
        }
        int room = window - (seq - rcvNxt);
        if (dataLength > room) {
            dataLength = room;
            fin = false;
        }
        if (dataLength > 0) {
            receiveData(seq, buf, dataOffset, dataLength, now);
            if (state == TcpState.CLOSED) {
                return;
            }
        }
        if (fin) {
            peerFinSeen = true;
            peerFinSeq = seq + dataLength;
        }
        receiveFinIfDue(now);
    }

    private void onReset(TcpSegment seg) {
        if (seg.seq != rcvNxt) {
            // RFC 5961 §3.2: in window but not exact, so possibly blind; challenge instead of dying.
            ackNow = true;
            return;
        }
        switch (state) {
            case SYN_RECEIVED -> terminate(listener != null ? null : TcpError.REFUSED);
            case CLOSING, LAST_ACK, TIME_WAIT -> terminate(null);
            default -> terminate(TcpError.RESET);
        }
    }

    /** Returns false when the segment must be dropped (an ACK of data never sent). */
    private boolean processAck(TcpSegment seg, long now) {
        if (Seq.gt(seg.ack, sndMax)) {
            ackNow = true;
            return false;
        }
        if (Seq.lt(seg.ack, sndUna)) {
            return true;
        }
        long oldWindow = sndWnd;
        updateWindow(seg);
        if (Seq.gt(seg.ack, sndUna)) {
            onNewAck(seg.ack, now);
        } else if (seg.payloadLength == 0 && !seg.has(FIN) && sndWnd == oldWindow && sndNxt != sndUna
                && congestion.onDuplicateAck(sndUna, sndMax, sndNxt - sndUna)) {
            retransmitFirst();
        }
        boolean ourFinAcked = finQueued && Seq.gt(sndUna, finSeq);
        if (ourFinAcked) {
            switch (state) {
                case FIN_WAIT_1 -> state = TcpState.FIN_WAIT_2;
                case CLOSING -> enterTimeWait(now);
                case LAST_ACK -> terminate(null);
                default -> { }
            }
        }
        return true;
    }

    private void updateWindow(TcpSegment seg) {
        if (Seq.lt(sndWl1, seg.seq) || sndWl1 == seg.seq && Seq.leq(sndWl2, seg.ack)) {
            sndWnd = (long) seg.window << sndShift;
            maxSndWnd = Math.max(maxSndWnd, sndWnd);
            sndWl1 = seg.seq;
            sndWl2 = seg.ack;
        }
    }

    private void onNewAck(int ack, long now) {
        int acked = ack - sndUna;
        int dataAcked = synAcked ? acked : acked - 1;
        synAcked = true;
        sendBuffer.discard(Math.min(dataAcked, sendBuffer.length()));
        sndUna = ack;
        if (Seq.lt(sndNxt, sndUna)) {
            sndNxt = sndUna;
        }
        if (rttTiming && Seq.gt(ack, rttSeq)) {
            rtt.sample(now - rttStartNanos);
            rttTiming = false;
        }
        rtt.resetBackoff();
        if (congestion.onNewAck(ack, acked)) {
            retransmitFirst();
        }
        retransmitAt = sndNxt == sndUna ? NONE : now + rtt.timeout();
        if (dataAcked > 0 && canWrite()) {
            stack.events().writable(this);
        }
    }

    private void receiveData(int seq, byte[] buf, int off, int len, long now) {
        if (state != TcpState.ESTABLISHED && state != TcpState.FIN_WAIT_1 && state != TcpState.FIN_WAIT_2) {
            return;
        }
        if (inputClosed) {
            abort();
            return;
        }
        if (len > 0 && !receiveBuffer.hasMemory()) {
            if (!reserveInitialBuffer(config.initialReceiveBufferBytes())) {
                return;
            }
            receiveBuffer.allocate();
        }
        int advanced = receiveBuffer.store(seq - rcvNxt, buf, off, len);
        rcvNxt += advanced;
        timeWindowFill(now);
        // RFC 5681 §4.2: ACK at once what is out of order or fills a gap, so the sender sees dup ACKs early.
        if (advanced != len || receiveBuffer.hasOutOfOrder()) {
            ackNow = true;
        } else if (++unackedSegments >= 2 || config.delayedAckNanos() == 0) {
            ackNow = true;
        } else if (delayedAckAt == NONE) {
            delayedAckAt = now + config.delayedAckNanos();
        }
        if (advanced > 0) {
            stack.events().readable(this);
        }
    }

    /**
     * Doubles the send buffer (up to the configured size) if it is smaller than twice what the
     * network lets be in flight: with less, the application cannot stay ahead of the ACKs. Linux
     * sizes its send buffers the same way.
     */
    private void growSendBufferIfLimiting() {
        int capacity = sendBuffer.capacity();
        long inFlightAllowed = congestion == null ? 0 : Math.min(congestion.window(), sndWnd);
        if (capacity < config.sendBufferBytes() && capacity < 2 * inFlightAllowed) {
            int bigger = (int) Math.min(config.sendBufferBytes(), 2L * capacity);
            if (stack.reserveBufferGrowth(bigger - capacity)) {
                sendBuffer.grow(bigger);
            }
        }
    }

    /**
     * Times how long the peer takes to fill the window we offered: started when at least half
     * the buffer is on offer (a narrow window would fill at once and say nothing about the
     * path), finished when the data reaches the edge that was offered then.
     */
    private void timeWindowFill(long now) {
        if (rcvRttStart != NONE && Seq.geq(rcvNxt, rcvRttSeq)) {
            long sample = Math.max(1, now - rcvRttStart);
            rcvRttNanos = rcvRttNanos == 0 ? sample : Math.min(rcvRttNanos, sample);
            rcvRttStart = NONE;
        }
        if (rcvRttStart == NONE && rcvAdvertisedEdge - rcvNxt >= receiveBuffer.capacity() / 2) {
            rcvRttSeq = rcvAdvertisedEdge;
            rcvRttStart = now;
        }
    }

    /**
     * Once a round trip has passed since the last look, grows the receive buffer (up to the
     * configured size) to twice what the application read in it, if that is more than ever
     * before: a reader that keeps up gets a window that keeps the path full, a slow one does not.
     */
    private void tuneReceiveBuffer(long now) {
        if (readRoundStart == NONE || rcvRttNanos == 0) {
            readRoundStart = now;
            readThisRound = 0;
            return;
        }
        if (now - readRoundStart < rcvRttNanos) {
            return;
        }
        if (readThisRound > rcvSpace) {
            rcvSpace = readThisRound;
            int capacity = receiveBuffer.capacity();
            int wanted = (int) Math.min(config.receiveBufferBytes(), 2L * readThisRound);
            int bigger = capacity;
            while (bigger < wanted) {
                bigger = (int) Math.min(config.receiveBufferBytes(), 2L * bigger);
            }
            if (bigger > capacity && stack.reserveBufferGrowth(bigger - capacity)) {
                receiveBuffer.grow(bigger);
            }
        }
        readRoundStart = now;
        readThisRound = 0;
    }

    /**
     * Takes a buffer's initial size from the stack's budget as the buffer gets its memory; when
     * the budget is spent the connection is reset (the peer learns at once, rather than by a
     * stall) and false is returned.
     */
    private boolean reserveInitialBuffer(int bytes) {
        if (!stack.reserveBuffer(bytes)) {
            abort();
            return false;
        }
        return true;
    }

    /**
     * Gives each buffer's memory and its part of the stack's budgets back, once, as soon as
     * nothing can use it again, so that a connection waiting out TIME-WAIT (or closed, with its
     * socket still open) holds none: the send buffer once our FIN is acknowledged (it is empty
     * then) or the connection is closed; the receive buffer once the application has read up to
     * the peer's FIN, closed its side, or the connection failed (RFC 9293 §3.10.7.4: a reset
     * flushes the queues).
     */
    private void releaseFinishedBuffers() {
        if (!sendBufferReleased
                && (state == TcpState.FIN_WAIT_2 || state == TcpState.TIME_WAIT || state == TcpState.CLOSED)) {
            sendBufferReleased = true;
            giveBack(sendBuffer.hasMemory(), config.initialSendBufferBytes(), sendBuffer.capacity());
            sendBuffer.release();
        }
        if (!receiveBufferReleased && (error != null || inputClosed || finReceived && receiveBuffer.readable() == 0)) {
            receiveBufferReleased = true;
            giveBack(receiveBuffer.hasMemory(), config.initialReceiveBufferBytes(), receiveBuffer.capacity());
            receiveBuffer.release();
        }
    }

    /** A buffer took its initial size when it got memory, and growth for every step past it. */
    private void giveBack(boolean hadMemory, int initialCapacity, int capacity) {
        stack.releaseBuffer(hadMemory ? initialCapacity : 0, capacity - initialCapacity);
    }

    /** Bytes of buffer memory this connection holds now. */
    long bufferMemory() {
        return (sendBuffer.hasMemory() ? sendBuffer.capacity() : 0)
                + (receiveBuffer.hasMemory() ? receiveBuffer.capacity() : 0);
    }

    int sendBufferCapacity() {
        return sendBuffer.capacity();
    }

    int receiveBufferCapacity() {
        return receiveBuffer.capacity();
    }

    private void receiveFinIfDue(long now) {
        if (!peerFinSeen || finReceived || rcvNxt != peerFinSeq) {
            return;
        }
        finReceived = true;
        rcvNxt++;
        ackNow = true;
        switch (state) {
            case ESTABLISHED -> state = TcpState.CLOSE_WAIT;
            case FIN_WAIT_1 -> {
                if (Seq.gt(sndUna, finSeq)) {
                    enterTimeWait(now);
                } else {
                    state = TcpState.CLOSING;
                }
            }
            case FIN_WAIT_2 -> enterTimeWait(now);
            default -> { }
        }
        stack.events().readable(this);
    }

    private void takeSynOptions(TcpSegment syn) {
        rcvNxt = syn.seq + 1;
        int peerMss = syn.mss != 0 ? syn.mss : (remoteIp.length == 4 ? 536 : 1220);
        sendMss = Math.max(MIN_MSS, Math.min(ourMss, peerMss));
        if (syn.windowShift >= 0) {
            windowScaling = true;
            sndShift = syn.windowShift;
            rcvShift = offeredShift;
        }
        sndWnd = syn.window;
        maxSndWnd = sndWnd;
        sndWl1 = syn.seq;
        sndWl2 = syn.ack;
        congestion = new NewReno(sendMss, iss);
    }

    private void establish(long now) {
        state = finQueued ? TcpState.FIN_WAIT_1 : TcpState.ESTABLISHED;
        noteActivity(now);
        stack.onEstablished(this);
    }

    /**
     * Whether {@code seg} is a client's new connection on the port pair this one holds in
     * TIME-WAIT: a SYN past everything this incarnation received (RFC 1122 §4.2.2.13, RFC 6191
     * without timestamps), as Linux takes it. Refusing it would cost the client a retry, about
     * a second, each time it picks a port still waiting here.
     */
    boolean isReopenedBy(TcpSegment seg) {
        return state == TcpState.TIME_WAIT && seg.has(SYN) && !seg.has(ACK) && !seg.has(RST)
                && Seq.gt(seg.seq, rcvNxt);
    }

    private void enterTimeWait(long now) {
        state = TcpState.TIME_WAIT;
        retransmitAt = persistAt = keepAliveAt = NONE;
        timeWaitEndsAt = now + 2 * config.mslNanos();
    }

    private void noteActivity(long now) {
        keepAliveProbesSent = 0;
        boolean open = state == TcpState.ESTABLISHED || state == TcpState.CLOSE_WAIT
                || state == TcpState.FIN_WAIT_1 || state == TcpState.FIN_WAIT_2;
        keepAliveAt = open && config.keepAliveIdleNanos() > 0 ? now + config.keepAliveIdleNanos() : NONE;
    }

    void terminate(TcpError why) {
        if (state == TcpState.CLOSED) {
            return;
        }
        state = TcpState.CLOSED;
        if (error == null) {
            error = why;
        }
        retransmitAt = delayedAckAt = persistAt = keepAliveAt = timeWaitEndsAt = NONE;
        releaseFinishedBuffers();
        stack.onTerminated();
        stack.events().closed(this);
    }

    // ---- timers ----

    long nextDeadline() {
        return Math.min(Math.min(Math.min(retransmitAt, delayedAckAt), Math.min(persistAt, keepAliveAt)), timeWaitEndsAt);
    }

    void onTimer(long now) {
        if (timeWaitEndsAt <= now) {
            terminate(null);
            return;
        }
        boolean forceSend = false;
        if (retransmitAt <= now) {
            onRetransmitTimeout(now);
        }
        if (persistAt <= now && state != TcpState.CLOSED) {
            persistAt = NONE;
            persistBackoffs++;
            // A zero window is probed with an old sequence number (as Linux does), which any
            // receiver answers with an ACK carrying its window; a small window is used as is
            // (RFC 1122 §4.2.3.4's override timeout for sender SWS avoidance).
            if (sndWnd == 0) {
                sendSegment(sndUna - 1, ACK, 0, 0);
            } else {
                forceSend = true;
            }
        }
        if (keepAliveAt <= now && state != TcpState.CLOSED) {
            onKeepAliveTimeout(now);
        }
        if (delayedAckAt <= now) {
            delayedAckAt = NONE;
            ackNow = true;
        }
        if (state != TcpState.CLOSED) {
            transmitPending(now, forceSend);
        }
    }

    private void onRetransmitTimeout(long now) {
        retransmitAt = NONE;
        boolean handshake = state == TcpState.SYN_SENT || state == TcpState.SYN_RECEIVED;
        if (rtt.backoffs() >= (handshake ? MAX_SYN_RETRANSMITS : MAX_RETRANSMITS)) {
            rstPending = !handshake;
            terminate(TcpError.TIMED_OUT);
            stack.markDirty(this);
            return;
        }
        rtt.backoff();
        rttTiming = false;
        if (handshake) {
            retransmitFirst();
            retransmitAt = now + rtt.timeout();
            return;
        }
        congestion.onTimeout(sndNxt - sndUna, sndMax);
        sndNxt = sndUna;
    }

    /**
     * The way to the peer changed under this connection (the node moved to another network, or
     * switched uplink): what is in flight went down the old way and is lost, and the backoff
     * measured how long the old way was dead, not the new one. So what a timeout would send goes
     * out now, and the timer restarts from the un-backed-off timeout. Linux's SCTP does the same
     * when a mobile node's address changes (sctp_transport_immediate_rtx, "fast handoff"), and
     * its TCP reverts backoff when ICMP says a loss was the route's, not congestion (RFC 6069).
     * For the same reason the congestion state is left as it is: treating the change as a timeout
     * would also move NewReno's recovery point past everything sent, and the duplicate ACKs
     * that then tell of a segment lost in the change could no longer retransmit it fast (a
     * traced default-route flip waited out a 200 ms timeout so).
     */
    void pathChanged(long now) {
        if (retransmitAt == NONE || state == TcpState.CLOSED) {
            return; // nothing in flight, so nothing was lost
        }
        rtt.resetBackoff();
        rttTiming = false;
        if (state == TcpState.SYN_SENT || state == TcpState.SYN_RECEIVED) {
            retransmitFirst();
            retransmitAt = now + rtt.timeout();
            return;
        }
        sndNxt = sndUna;
        retransmitAt = NONE; // the next flush sends from sndUna and re-arms the timer
        stack.markDirty(this);
    }

    private void onKeepAliveTimeout(long now) {
        if (sndNxt != sndUna) {
            keepAliveAt = now + config.keepAliveIdleNanos();
            return;
        }
        if (keepAliveProbesSent >= config.keepAliveProbes()) {
            rstPending = true;
            terminate(TcpError.TIMED_OUT);
            stack.markDirty(this);
            return;
        }
        keepAliveProbesSent++;
        keepAliveAt = now + config.keepAliveIntervalNanos();
        sendSegment(sndUna - 1, ACK, 0, 0);
    }

    // ---- output ----

    /**
     * Sends what inbound segments and the application side made due since the last call: ACKs,
     * data, FIN, RST or a window update.
     */
    void flush(long now) {
        boolean read = readSinceFlush;
        readSinceFlush = false;
        if (rstPending) {
            rstPending = false;
            sendSegment(sndMax, RST, 0, 0);
            return;
        }
        if (state == TcpState.CLOSED) {
            return;
        }
        if (read && !receiveBufferReleased) {
            // A released buffer must not grow: that growth would never be given back.
            tuneReceiveBuffer(now);
        }
        if (read && !finReceived && state.synchronizedState() && windowUpdateDue()) {
            ackNow = true;
        }
        transmitPending(now, false);
    }

    /**
     * Whether reading opened the window far enough to announce it in an ACK of its own: only when
     * the peer has at most half the buffer left to send into (so it may soon stall), and the
     * window grew by at least min(half the buffer, one MSS) since we last offered it (RFC 1122
     * §4.2.3.3's receiver SWS avoidance). While more than half is open the peer keeps sending,
     * and the ACKs its data draws carry the new window; Linux decides the same way
     * ({@code tcp_cleanup_rbuf}). Announcing every read instead sent a pure ACK per 32 KiB a
     * relay copied on, each one sealed, sent and processed by the peer for nothing.
     */
    private boolean windowUpdateDue() {
        int half = receiveBuffer.capacity() / 2;
        if (rcvAdvertisedEdge - rcvNxt > half) {
            return false;
        }
        int edge = rcvNxt + (windowField(false) << rcvShift);
        return edge - rcvAdvertisedEdge >= Math.min(half, ourMss);
    }

    private void transmitPending(long now, boolean force) {
        boolean sendsData = state == TcpState.ESTABLISHED || state == TcpState.CLOSE_WAIT
                || state == TcpState.FIN_WAIT_1 || state == TcpState.CLOSING || state == TcpState.LAST_ACK;
        int unsent = 0;
        while (sendsData) {
            int offset = sndNxt - sndUna;
            unsent = sendBuffer.length() - offset;
            if (unsent < 0) {
                break;
            }
            long usable = Math.min(congestion.window(), sndWnd) - offset;
            int len = (int) Math.max(0, Math.min(Math.min(unsent, sendMss), usable));
            boolean fin = finQueued && len == unsent;
            if (len == 0 && !fin) {
                break;
            }
            // RFC 9293 §3.8.6.2.1: only a full segment, everything queued (held back by Nagle
            // while data is unacknowledged), or half the peer's largest window goes out.
            boolean full = len == sendMss;
            boolean all = len == unsent && (!config.nagle() || offset == 0 || len == 0);
            boolean half = len >= maxSndWnd / 2;
            if (!(full || all || half || force)) {
                break;
            }
            force = false;
            int flags = ACK | (fin ? FIN : 0) | (len > 0 && len == unsent ? PSH : 0);
            sendSegment(sndNxt, flags, offset, len);
            if (!rttTiming && sndNxt == sndMax) {
                startRttTiming(now);
            }
            sndNxt += len + (fin ? 1 : 0);
            if (Seq.gt(sndNxt, sndMax)) {
                sndMax = sndNxt;
            }
            if (retransmitAt == NONE) {
                retransmitAt = now + rtt.timeout();
            }
            if (fin) {
                unsent = 0;
                break;
            }
        }
        boolean stalled = unsent > 0 && sndNxt == sndUna;
        if (!stalled) {
            persistAt = NONE;
            persistBackoffs = 0;
        } else if (persistAt == NONE) {
            persistAt = now + Math.clamp(rtt.timeout() << Math.min(persistBackoffs, 20),
                    RttEstimator.MIN_RTO_NANOS, RttEstimator.MAX_RTO_NANOS);
        }
        if (ackNow) {
            // sndMax, not sndNxt: after a timeout rewinds sndNxt, the peer has already seen
            // more, and would find an ACK sequenced below its rcvNxt unacceptable and ignore it.
            sendSegment(sndMax, ACK, 0, 0);
        }
    }

    private void startRttTiming(long now) {
        rttTiming = true;
        rttSeq = sndNxt;
        rttStartNanos = now;
    }

    private void sendSyn(long now) {
        startRttTiming(now);
        sendSegment(iss, state == TcpState.SYN_SENT ? SYN : SYN | ACK, 0, 0);
        sndNxt = sndMax = iss + 1;
        retransmitAt = now + rtt.timeout();
    }

    /** Sends the oldest unacknowledged segment again (fast retransmit, partial ACK, timeout). */
    private void retransmitFirst() {
        rttTiming = false;
        switch (state) {
            case SYN_SENT -> sendSegment(iss, SYN, 0, 0);
            case SYN_RECEIVED -> sendSegment(iss, SYN | ACK, 0, 0);
            default -> {
                int len = Math.min(sendMss, sendBuffer.length());
                boolean fin = finQueued && len == sendBuffer.length() && Seq.gt(sndMax, finSeq);
                if (len > 0 || fin) {
                    sendSegment(sndUna, ACK | (fin ? FIN : 0), 0, len);
                }
            }
        }
    }

    private void sendSegment(int seq, int flags, int dataOffset, int len) {
        TcpSegment seg = stack.outgoing();
        seg.srcPort = localPort;
        seg.dstPort = remotePort;
        seg.seq = seq;
        seg.flags = flags;
        boolean syn = (flags & SYN) != 0;
        if (syn) {
            seg.mss = ourMss;
            // We offer scaling in a SYN, and answer with it only if the peer's SYN offered it (RFC 7323 §1.3).
            if (state == TcpState.SYN_SENT || windowScaling) {
                seg.windowShift = offeredShift;
            }
        }
        if ((flags & (ACK | SYN)) != 0) {
            seg.window = windowField(syn);
        }
        if ((flags & ACK) != 0) {
            seg.ack = rcvNxt;
            rcvAdvertisedEdge = rcvNxt + (seg.window << (syn ? 0 : rcvShift));
            ackNow = false;
            delayedAckAt = NONE;
            unackedSegments = 0;
        }
        stack.emit(localIp, remoteIp, seg, sendBuffer, dataOffset, len);
    }

    /** The window field: never scaled in a SYN (RFC 7323 §2.2). */
    private int windowField(boolean syn) {
        int free = receiveBuffer.free();
        return syn ? Math.min(free, MAX_WINDOW_FIELD) : Math.min(free >>> rcvShift, MAX_WINDOW_FIELD);
    }

    /** What we accept: all free space up to what the window field can express. */
    private int receiveWindow() {
        return (int) Math.min(receiveBuffer.free(), (long) MAX_WINDOW_FIELD << rcvShift);
    }

    @Override
    public String toString() {
        return "TcpConnection[" + localPort + "->" + remotePort + " " + state + "]";
    }
}
