package io.microlink.wireguard.session;

import io.microlink.crypto.X25519;
import io.microlink.wireguard.noise.CookieGenerator;
import io.microlink.wireguard.noise.Handshake;
import io.microlink.wireguard.noise.Protocol;
import io.microlink.wireguard.noise.SessionKeys;
import io.microlink.wireguard.noise.Tai64n;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Base64;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One remote peer: its handshake, up to three keypairs (previous, current, next; whitepaper
 * §6.1), timers, endpoint and packets waiting for a session. State changes happen under this
 * object's lock; the data path reads the current keypair and endpoint without it.
 *
 * <p>A peer costs little until it is used: its handshake state (with the static-static
 * Diffie-Hellman it precomputes), cookie keys, timers and send queue are built under the lock
 * the first time a handshake, a packet or a timer needs them. A tailnet node has a peer for
 * every netmap node, thousands of them, of which few ever exchange a packet.
 */
public final class Peer {
    private static final VarHandle RX_BYTES;
    private static final VarHandle TX_BYTES;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            RX_BYTES = lookup.findVarHandle(Peer.class, "rxBytes", long.class);
            TX_BYTES = lookup.findVarHandle(Peer.class, "txBytes", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final Engine engine;
    private final byte[] publicKey;
    private final byte[] presharedKey;
    private final boolean priority;
    private final int persistentKeepaliveSeconds;
    // Built on first use, under the lock: see the class comment.
    private Handshake handshake;
    private CookieGenerator cookies;
    private PeerTimers timers;
    private ArrayDeque<byte[]> staged;

    private volatile Endpoint endpoint;
    volatile Keypair current;
    private Keypair previous;
    // Volatile: receivedWith() peeks at it without the lock on every packet.
    private volatile Keypair next;
    private volatile long lastHandshakeNanos;
    private volatile Instant lastHandshakeTime;
    volatile long lastUsedNanos;
    private long lastSentInitiationNanos;
    private Instant lastInitiationStamp;
    private boolean initiationSent;
    long lastConsumedInitiationNanos;
    boolean consumedInitiation;
    private boolean sentLastMinuteHandshake;
    // Added to atomically through RX_BYTES and TX_BYTES: fields, not a LongAdder each per peer.
    private volatile long rxBytes;
    private volatile long txBytes;
    private volatile long handshakes;

    Peer(Engine engine, PeerSpec spec) {
        this.engine = engine;
        this.publicKey = spec.publicKey().clone();
        this.presharedKey = spec.presharedKey() == null ? null : spec.presharedKey().clone();
        this.priority = spec.priority();
        this.persistentKeepaliveSeconds = spec.persistentKeepaliveSeconds();
        this.endpoint = spec.endpoint();
    }

    /** This peer's handshake state, built on first use; callers hold the lock. */
    Handshake handshake() {
        if (handshake == null) {
            handshake = new Handshake(engine.identity, publicKey, presharedKey);
        }
        return handshake;
    }

    /** The MACs and cookie of this peer's handshake messages, built on first use; callers hold the lock. */
    CookieGenerator cookies() {
        if (cookies == null) {
            cookies = new CookieGenerator(publicKey);
        }
        return cookies;
    }

    /** This peer's timers, built on first use; callers hold the lock. */
    PeerTimers timers() {
        if (timers == null) {
            timers = new PeerTimers(this, engine.settings.timers());
        }
        return timers;
    }

    /** The key the engine indexes this peer by; never changed, so shared rather than copied. */
    byte[] keyBytes() {
        return publicKey;
    }

    /**
     * The time an initiation carries: the wall clock, but never at or before the last one sent.
     * The peer refuses an initiation no newer than the last it took (a replay), so after the
     * clock stepped back it would refuse this side's handshakes until the clock caught up;
     * one grid step past the last stamp (timestamps are rounded to it) keeps them newer.
     */
    private Instant initiationStamp() {
        Instant now = engine.clock.now();
        if (lastInitiationStamp != null) {
            Instant next = lastInitiationStamp.plusNanos(Tai64n.GRID_NANOS);
            if (now.isBefore(next)) {
                now = next;
            }
        }
        lastInitiationStamp = now;
        return now;
    }

    /**
     * The peer's static public key.
     *
     * @return a copy of the 32 bytes
     */
    public byte[] publicKey() {
        return publicKey.clone();
    }

    /**
     * Where the latest authenticated packet came from (with roaming on), or the configured
     * endpoint; null if none.
     *
     * @return the endpoint, or null
     */
    public Endpoint endpoint() {
        return endpoint;
    }

    /**
     * Monotonic time of the newest completed handshake, or 0 if none.
     *
     * @return a {@link System#nanoTime()} value, or 0
     */
    public long lastHandshakeNanos() {
        return lastHandshakeNanos;
    }

    /**
     * Wall-clock time of the newest completed handshake, or null.
     *
     * @return the time, or null
     */
    public Instant lastHandshakeTime() {
        return lastHandshakeTime;
    }

    /**
     * Handshakes with this peer that gave new session keys.
     *
     * @return the count
     */
    public long handshakesCompleted() {
        return handshakes;
    }

    /**
     * Bytes of WireGuard messages received from this peer.
     *
     * @return the count
     */
    public long rxBytes() {
        return rxBytes;
    }

    /**
     * Bytes of WireGuard messages sent to this peer.
     *
     * @return the count
     */
    public long txBytes() {
        return txBytes;
    }

    /**
     * Whether the peer holds usable session keys now.
     *
     * @return {@code true} with a session
     */
    public boolean hasSession() {
        return current != null || next != null;
    }

    /**
     * Whether the session cap never evicts this peer.
     *
     * @return {@code true} for the priority peer
     */
    public boolean priority() {
        return priority;
    }

    int persistentKeepaliveSeconds() {
        return persistentKeepaliveSeconds;
    }

    /** Roams to where an authenticated packet came from, unless paths are chosen above the engine. */
    void setEndpoint(Endpoint from) {
        Endpoint old = endpoint;
        // Identity first: runtimes pass the same object for a source they have seen before.
        if (engine.settings.roaming() && from != old && !from.equals(old)) {
            endpoint = from;
        }
    }

    void countRx(int bytes) {
        RX_BYTES.getAndAdd(this, (long) bytes);
    }

    // ---- handshakes -------------------------------------------------------------------

    /**
     * Sends a fresh initiation. A non-retry is skipped while one sent less than RekeyTimeout ago
     * is outstanding, so bursts of traffic do not each start a handshake.
     */
    synchronized void initiateHandshake(boolean retry, Network net) {
        long now = engine.clock.nanoTime();
        TimerSettings t = engine.settings.timers();
        if (!retry) {
            if (initiationSent && now - lastSentInitiationNanos < t.rekeyTimeout().toNanos()) {
                return;
            }
            timers().handshakeAttempts = 0;
        }
        Endpoint to = endpoint;
        if (to == null) {
            engine.counters.add(Counters.Event.DROPPED_NO_ENDPOINT);
            return;
        }
        forgetHandshakeIndex();
        int index = engine.indices.newHandshakeIndex(this);
        byte[] msg = handshake().createInitiation(index, X25519.generatePrivateKey(), initiationStamp());
        if (msg == null) {
            engine.indices.remove(index);
            return;
        }
        cookies().addMacs(msg, now);
        lastSentInitiationNanos = now;
        initiationSent = true;
        PeerTimers timers = timers();
        timers.handshakeInitiated(now);
        timers.anyAuthenticatedPacketTraversal(now);
        timers.anyAuthenticatedPacketSent();
        net.send(to, msg, 0, msg.length);
    }

    /**
     * This peer sent data for a session we do not hold: we lost it (a restart) and the peer did
     * not, so it would send into the void until its own timer rehandshakes. Start a handshake
     * now, unless a session is fresher than RekeyTimeout (the peer's packets on the old one may
     * still be in flight) or this already started one within RekeyTimeout: stale or replayed
     * data cannot make us handshake more often than that.
     */
    void unknownSession(Network net) {
        synchronized (this) {
            long now = engine.clock.nanoTime();
            long rekeyTimeout = engine.settings.timers().rekeyTimeout().toNanos();
            Keypair cur = current;
            if (cur != null && now - cur.createdNanos < rekeyTimeout) {
                return;
            }
            if (!timers().mayHandshakeForUnknownSession(now, rekeyTimeout)) {
                return;
            }
        }
        engine.counters.add(Counters.Event.HANDSHAKES_FOR_UNKNOWN_SESSION);
        initiateHandshake(false, net);
    }

    private void forgetHandshakeIndex() {
        if (handshake != null && handshake.state() != Handshake.State.NONE) {
            engine.indices.remove(handshake.localIndex());
            handshake.clear();
        }
    }

    /** Installs the keys of a handshake we answered; they become current on first use by the peer. */
    synchronized Keypair installResponderKeys(SessionKeys keys) {
        Keypair kp = new Keypair(this, keys, engine.clock.nanoTime());
        engine.indices.promote(kp);
        forget(next);
        next = kp;
        forget(previous);
        previous = null;
        sessionDerived();
        return kp;
    }

    /** Installs the keys of a handshake we initiated; they are current at once. */
    synchronized void installInitiatorKeys(SessionKeys keys, Network net) {
        Keypair kp = new Keypair(this, keys, engine.clock.nanoTime());
        engine.indices.promote(kp);
        if (next != null) {
            forget(previous);
            previous = next;
            next = null;
            forget(current);
        } else {
            forget(previous);
            previous = current;
        }
        current = kp;
        sessionDerived();
        handshakeComplete();
        // The responder may not send until it sees our first packet: send one now.
        if (!flushStaged(net)) {
            sendKeepalive(net);
        }
    }

    private void sessionDerived() {
        long now = engine.clock.nanoTime();
        timers().sessionDerived(now);
        lastUsedNanos = now;
    }

    private void handshakeComplete() {
        timers().handshakeComplete();
        sentLastMinuteHandshake = false;
        initiationSent = false;
        lastHandshakeNanos = engine.clock.nanoTime();
        lastHandshakeTime = engine.clock.now();
        handshakes++; // under the lock
        engine.counters.add(Counters.Event.HANDSHAKES_COMPLETED);
    }

    /**
     * Called for each authenticated transport packet; if it used the "next" keypair, the
     * responder's handshake is confirmed and that keypair becomes current.
     */
    void receivedWith(Keypair kp, Network net) {
        if (kp != next) {
            return;
        }
        synchronized (this) {
            if (kp != next) {
                return;
            }
            forget(previous);
            previous = current;
            current = next;
            next = null;
            handshakeComplete();
            flushStaged(net);
        }
    }

    /** Zeroes every session key and forgets the handshake (timer expiry or LRU eviction). */
    synchronized void dropSessions() {
        forget(previous);
        forget(current);
        forget(next);
        previous = current = next = null;
        forgetHandshakeIndex();
        if (timers != null) {
            timers.stopAll();
        }
        staged = null;
    }

    private void forget(Keypair kp) {
        if (kp != null) {
            engine.indices.remove(kp.localIndex);
        }
    }

    // ---- sending ----------------------------------------------------------------------

    /**
     * Encrypts and sends the packet of {@code len} bytes at {@code off}; {@code buf} must have
     * {@link Protocol#TRANSPORT_HEADER_SIZE} bytes before {@code off} and room for padding and
     * the tag after the packet. Without a usable session the packet waits and a handshake starts.
     */
    void send(byte[] buf, int off, int len, Network net) {
        if (!trySend(buf, off, len, net)) {
            stageAndHandshake(buf, off, len, net);
        }
    }

    /**
     * Queues the packet and starts a handshake, unless one completed on another thread since
     * {@link #trySend} looked: then the queue goes out with the new keys instead.
     */
    private synchronized void stageAndHandshake(byte[] buf, int off, int len, Network net) {
        stage(buf, off, len);
        if (current != null) {
            flushStaged(net);
        }
        if (staged != null && !staged.isEmpty()) {
            initiateHandshake(false, net);
        }
    }

    private boolean trySend(byte[] buf, int off, int len, Network net) {
        Keypair kp = current;
        Endpoint to = endpoint;
        long now = engine.clock.nanoTime();
        TimerSettings t = engine.settings.timers();
        if (kp == null || to == null || now - kp.createdNanos >= t.rejectAfterTime().toNanos()) {
            return false;
        }
        int padded = paddedLength(len, engine.settings.mtu());
        Arrays.fill(buf, off + len, off + padded, (byte) 0);
        int n = kp.seal(buf, off, padded, t.rejectAfterMessages());
        if (n < 0) {
            return false;
        }
        net.send(to, buf, off - Protocol.TRANSPORT_HEADER_SIZE, n);
        TX_BYTES.getAndAdd(this, (long) n);
        lastUsedNanos = now;
        synchronized (this) {
            PeerTimers timers = timers();
            if (len > 0) {
                timers.dataSent(now);
            }
            timers.anyAuthenticatedPacketSent();
            timers.anyAuthenticatedPacketTraversal(now);
        }
        // Whitepaper §6.2: either side rekeys once it has sent more than RekeyAfterMessages;
        // only the initiator rekeys on age, so both sides do not rekey at once.
        if (Long.compareUnsigned(kp.sendCounter(), t.rekeyAfterMessages()) > 0
                || kp.initiator && now - kp.createdNanos >= t.rekeyAfterTime().toNanos()) {
            rekey(kp, net);
        }
        return true;
    }

    /**
     * Starts a rekey unless {@code aging} has already been replaced: the receive thread may
     * have completed a handshake since this packet read the keypair, and a second initiation
     * right after it would be refused by the peer as a flood.
     */
    private synchronized void rekey(Keypair aging, Network net) {
        if (current == aging) {
            initiateHandshake(false, net);
        }
    }

    static int paddedLength(int len, int mtu) {
        int rounded = (len + Protocol.PADDING_MULTIPLE - 1) & -Protocol.PADDING_MULTIPLE;
        return len > mtu ? len : Math.min(rounded, mtu);
    }

    void sendKeepalive(Network net) {
        byte[] buf = new byte[Protocol.TRANSPORT_HEADER_SIZE + Protocol.TAG_LENGTH];
        if (!trySend(buf, Protocol.TRANSPORT_HEADER_SIZE, 0, net) && current == null) {
            initiateHandshake(false, net);
        }
    }

    private synchronized void stage(byte[] buf, int off, int len) {
        if (staged == null) {
            staged = new ArrayDeque<>();
        }
        if (staged.size() >= engine.settings.stagedPacketsPerPeer()) {
            staged.pollFirst();
            engine.counters.add(Counters.Event.DROPPED_STAGED_OVERFLOW);
        }
        staged.addLast(Arrays.copyOfRange(buf, off, off + len));
    }

    synchronized void dropStaged() {
        staged = null;
    }

    /** Sends queued packets; returns true if there were any. Called under the lock. */
    private boolean flushStaged(Network net) {
        if (staged == null || staged.isEmpty()) {
            return false;
        }
        int headroom = Protocol.TRANSPORT_HEADER_SIZE;
        while (!staged.isEmpty()) {
            byte[] p = staged.pollFirst();
            byte[] buf = new byte[headroom + p.length + Protocol.PADDING_MULTIPLE + Protocol.TAG_LENGTH];
            System.arraycopy(p, 0, buf, headroom, p.length);
            if (!trySend(buf, headroom, p.length, net)) {
                staged.addFirst(p);
                break;
            }
        }
        return true;
    }

    // ---- receiving --------------------------------------------------------------------

    /** Timer bookkeeping for an authenticated transport packet; {@code len} 0 is a keepalive. */
    void authenticatedReceive(Keypair kp, int len, Network net) {
        long now = engine.clock.nanoTime();
        lastUsedNanos = now;
        boolean rehandshake;
        synchronized (this) {
            PeerTimers timers = timers();
            timers.anyAuthenticatedPacketReceived();
            timers.anyAuthenticatedPacketTraversal(now);
            if (len > 0) {
                timers.dataReceived(now);
            }
            // Whitepaper §6.2: an initiator whose key nears reject-after-time rekeys on receipt,
            // in case it has nothing to send.
            TimerSettings t = engine.settings.timers();
            long limit = t.rejectAfterTime().toNanos() - t.keepaliveTimeout().toNanos() - t.rekeyTimeout().toNanos();
            Keypair cur = current;
            rehandshake = !sentLastMinuteHandshake && cur == kp && cur.initiator && now - cur.createdNanos >= limit;
            if (rehandshake) {
                sentLastMinuteHandshake = true;
            }
        }
        if (rehandshake) {
            initiateHandshake(false, net);
        }
    }

    synchronized void tick(long now, Network net) {
        if (timers != null) { // a peer no event has touched has no timer armed
            timers.fire(now, net);
        }
    }

    synchronized void start(long now) {
        if (persistentKeepaliveSeconds > 0) {
            timers().startPersistentKeepalive(now);
        }
    }

    @Override
    public String toString() {
        return "Peer[" + Base64.getEncoder().encodeToString(publicKey) + "]";
    }
}
