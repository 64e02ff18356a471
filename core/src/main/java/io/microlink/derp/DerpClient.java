package io.microlink.derp;

import io.microlink.DerpTransport;
import io.microlink.control.wire.DerpMap;
import io.microlink.http.HttpHeadException;
import io.microlink.http.PeerText;
import io.microlink.http.UpgradeResponse;
import io.microlink.key.KeyKind;
import io.microlink.key.PrivateKey;
import io.microlink.key.PublicKey;
import io.microlink.netstack.DroppedInput;
import io.microlink.outbound.Dialer;
import io.microlink.outbound.ExchangeDeadline;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * One connection to a DERP relay: packets to and from other nodes by node key. A reader
 * thread hands received packets to the {@link PacketHandler} and answers the server's pings.
 *
 * <pre>{@code
 * try (DerpClient derp = DerpClient.connect(derpNode, DerpClient.Transport.TLS, tls, nodeKey,
 *         (from, packet) -> handle(from, packet), () -> reconnectSoon(), Duration.ofSeconds(10))) {
 *     derp.notePreferred(true);
 *     derp.send(peerNodeKey, discoPacket);
 * }
 * }</pre>
 */
public final class DerpClient implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("io.microlink.derp");
    /**
     * The server sends a keep-alive every 60-65 s (tailscale's {@code derp.KeepAlive} plus up to
     * 5 s); silence for twice that means a dead link, over our TCP connections and the
     * embedder's streams alike.
     */
    private static final Duration SILENT_RELAY = Duration.ofMinutes(2);
    /**
     * A relay that has not taken one frame off us for this long, while frames for it are being
     * dropped, is given up as a silent one is. tailscale's relay gives each write to a client 2 s
     * (its {@code writeTimeout}); a link too slow to move one frame (64 KiB at most) in 15 s
     * carries no tunnel anyway. Without this, a relay (or an embedder's stream) that keeps sending
     * keep-alives but never reads would hold the connection open while every packet is dropped.
     */
    private static final Duration STALLED_WRITE = Duration.ofSeconds(15);
    private static final int PLAIN_HTTP_DEFAULT_PORT = 3340;
    /**
     * Frames waiting for the relay. When it stops reading, sends beyond this are dropped
     * (like a lossy UDP path) instead of blocking the caller, which also serves direct paths.
     */
    static final int SEND_QUEUE = 512;

    /**
     * How to reach the relay: TLS in the real world, plain HTTP only for test tailnets; by
     * {@code Upgrade: DERP} with a WebSocket as the fallback when that is refused, or by
     * WebSocket always; over our own TCP connection or an embedder's {@link DerpTransport}.
     */
    public static final class Transport {
        /** TLS over our own TCP connection, {@code Upgrade: DERP}, a WebSocket if that is refused. */
        public static final Transport TLS = new Transport(true, false, null);
        /** As {@link #TLS} without TLS: only for test tailnets. */
        public static final Transport PLAIN_HTTP = new Transport(false, false, null);

        private final boolean tls;
        private final boolean alwaysWebSocket;
        private final DerpTransport stream;

        private Transport(boolean tls, boolean alwaysWebSocket, DerpTransport stream) {
            this.tls = tls;
            this.alwaysWebSocket = alwaysWebSocket;
            this.stream = stream;
        }

        /**
         * This transport, asking for a WebSocket ({@code Sec-WebSocket-Protocol: derp}) first
         * instead of {@code Upgrade: DERP}.
         *
         * @param always true to always use a WebSocket; false to use one only when {@code Upgrade: DERP} is refused
         * @return the changed transport
         */
        public Transport webSocket(boolean always) {
            return new Transport(tls, always, stream);
        }

        /**
         * This transport over the embedder's streams instead of our own TCP connections (the
         * outbound proxy is then the embedder's business).
         *
         * @param hook opens the streams, or null for our own TCP connections
         * @return the changed transport
         */
        public Transport over(DerpTransport hook) {
            return new Transport(tls, alwaysWebSocket, hook);
        }

        /**
         * Whether the relay speaks TLS.
         *
         * @return whether the relay speaks TLS
         */
        public boolean tls() {
            return tls;
        }

        @Override
        public String toString() {
            return (tls ? "TLS" : "plain HTTP") + (alwaysWebSocket ? ", WebSocket" : "")
                    + (stream != null ? ", over the embedder's transport" : "");
        }
    }

    /** Receives packets relayed to this node; called on the reader thread, in order. */
    @FunctionalInterface
    public interface PacketHandler {
        void packet(PublicKey source, byte[] packet);
    }

    private final Socket socket;
    /** The connection under TLS, if there is TLS: closing it ends a write blocked in TLS too. */
    private final Socket bottom;
    private final InputStream in;
    private final OutputStream out;
    private final PacketHandler handler;
    private final Runnable onLost;
    private final Thread reader;
    private final Thread writer;
    private final java.util.concurrent.BlockingQueue<byte[]> outbox =
            new java.util.concurrent.ArrayBlockingQueue<>(SEND_QUEUE);
    private final java.util.concurrent.atomic.AtomicLong dropped = new java.util.concurrent.atomic.AtomicLong();
    /** Frames whose handling threw (our bug): counted and logged rarely; the connection reads on. */
    private final DroppedInput drops = new DroppedInput(LOG, "DERP frame");
    /** The server's last health complaint, logged only when it changes. Reader thread only. */
    private String lastHealth = "";
    private volatile boolean closed;
    private volatile boolean closedByUs;
    /** When the writer's current write began ({@code System.nanoTime()}, never 0), or 0 between writes. */
    private volatile long writingSince;
    private final long stalledWriteNanos;
    private final java.util.concurrent.atomic.AtomicBoolean stallNoticed = new java.util.concurrent.atomic.AtomicBoolean();

    private DerpClient(Socket socket, Socket bottom, InputStream in, OutputStream out, PacketHandler handler,
                       Runnable onLost, String name, Bounds bounds) {
        this.socket = socket;
        this.bottom = bottom;
        this.stalledWriteNanos = bounds.stalledWrite().toNanos();
        this.in = in;
        this.out = out;
        this.handler = handler;
        this.onLost = onLost;
        this.reader = Thread.ofVirtual().name("microlink-derp-" + name).start(this::readLoop);
        this.writer = Thread.ofVirtual().name("microlink-derp-out-" + name).start(this::writeLoop);
    }

    /**
     * Dials {@code node}, upgrades to DERP and logs in with {@code nodeKey}.
     *
     * @param onLost called once if the connection ends other than by {@link #close()}
     */
    public static DerpClient connect(DerpMap.DerpNode node, Transport transport, SSLContext tls, PrivateKey nodeKey,
                                     PacketHandler handler, Runnable onLost, Duration timeout) throws IOException {
        return connect(node, transport, tls, Dialer.direct(), nodeKey, handler, onLost, timeout);
    }

    /**
     * As {@link #connect(DerpMap.DerpNode, Transport, SSLContext, PrivateKey, PacketHandler, Runnable, Duration)},
     * with the TCP connection opened by {@code dialer}: through its outbound proxy, when it has
     * one for the relay, by the relay's host name (the proxy resolves it, as tailscaled's does).
     * If the relay answers {@code Upgrade: DERP} with an ordinary HTTP response (a reverse proxy
     * in front of it that passes only WebSockets, say), one more connection asks for a WebSocket,
     * with a timeout of its own.
     */
    public static DerpClient connect(DerpMap.DerpNode node, Transport transport, SSLContext tls, Dialer dialer,
                                     PrivateKey nodeKey, PacketHandler handler, Runnable onLost, Duration timeout)
            throws IOException {
        return connect(node, transport, tls, dialer, nodeKey, handler, onLost, timeout, Bounds.DEFAULT);
    }

    /**
     * When a connection that logged in is given up: a relay that sends nothing for {@code silence},
     * or takes nothing of ours for {@code stalledWrite} while our sends are being dropped.
     */
    record Bounds(Duration silence, Duration stalledWrite) {
        static final Bounds DEFAULT = new Bounds(SILENT_RELAY, STALLED_WRITE);
    }

    /** As the public {@code connect}, giving the connection up by {@code bounds}. */
    static DerpClient connect(DerpMap.DerpNode node, Transport transport, SSLContext tls, Dialer dialer,
                              PrivateKey nodeKey, PacketHandler handler, Runnable onLost, Duration timeout,
                              Bounds bounds) throws IOException {
        Attempt attempt = webSocket -> connectOnce(node, transport, webSocket, tls, dialer, nodeKey, handler, onLost,
                timeout, bounds);
        if (transport.alwaysWebSocket) {
            return attempt.run(true);
        }
        try {
            return attempt.run(false);
        } catch (UpgradeRefusedException refused) {
            LOG.log(Level.INFO, "{0}; asking for DERP over WebSocket instead", refused.getMessage());
            try {
                return attempt.run(true);
            } catch (IOException | RuntimeException e) {
                e.addSuppressed(refused);
                throw e;
            }
        }
    }

    @FunctionalInterface
    private interface Attempt {
        DerpClient run(boolean webSocket) throws IOException;
    }

    private static DerpClient connectOnce(DerpMap.DerpNode node, Transport transport, boolean webSocket, SSLContext tls,
                                          Dialer dialer, PrivateKey nodeKey, PacketHandler handler, Runnable onLost,
                                          Duration timeout, Bounds bounds) throws IOException {
        boolean useTls = transport.tls;
        int port = node.derpPort() > 0 ? node.derpPort() : useTls ? 443 : PLAIN_HTTP_DEFAULT_PORT;
        Socket s = null;
        try {
            s = open(node, transport, dialer, port, timeout);
            s.setTcpNoDelay(true);
            s.setSoTimeout((int) timeout.toMillis());
            Socket raw = s;
            boolean addTls = useTls && !(raw instanceof StreamSocket stream && stream.secure());
            String hostHeader = node.hostName() + ((useTls && port == 443) ? "" : ":" + port);
            // One deadline for TLS, upgrade and login: a server that trickles a byte per read
            // timeout must not hold the relay's reconnect loop.
            return ExchangeDeadline.run(raw, timeout, () -> login(addTls ? startTls(raw, node, port, tls) : raw, raw,
                    node, hostHeader, webSocket, nodeKey, handler, onLost, bounds));
        } catch (IOException | RuntimeException e) {
            if (s != null) {
                s.close();
            }
            throw e;
        }
    }

    /** A connected socket to the relay: the embedder's stream, or TCP through the dialer. */
    private static Socket open(DerpMap.DerpNode node, Transport transport, Dialer dialer, int port, Duration timeout)
            throws IOException {
        if (transport.stream != null) {
            DerpTransport.Stream stream = transport.stream.open(node.hostName(), port, timeout);
            if (stream == null) {
                throw new IOException("the DERP transport opened no stream to " + node.name());
            }
            return new StreamSocket(stream);
        }
        String scheme = transport.tls ? "https" : "http";
        boolean proxied = dialer.rules().proxyFor(scheme, node.hostName(), port) != null;
        String dialHost = proxied ? node.hostName() : literal(node.ipv4()) != null ? node.ipv4()
                : literal(node.ipv6()) != null ? node.ipv6() : node.hostName();
        return dialer.connect(scheme, dialHost, port, null, (int) timeout.toMillis());
    }

    private static DerpClient login(Socket s, Socket bottom, DerpMap.DerpNode node, String hostHeader, boolean webSocket,
                                    PrivateKey nodeKey, PacketHandler handler, Runnable onLost, Bounds bounds)
            throws IOException {
        InputStream in = new BufferedInputStream(s.getInputStream());
        OutputStream raw = s.getOutputStream();
        if (webSocket) {
            WebSocketHandshake ws = WebSocketHandshake.fresh();
            raw.write(ws.request(hostHeader));
            raw.flush();
            ws.check(upgradeResponse(in, node).head(), node.name());
            LOG.log(Level.INFO, "DERP server {0} speaks DERP over a WebSocket", node.name());
            WebSocketStream stream = new WebSocketStream(in, raw);
            in = stream.input();
            raw = stream.output();
        } else {
            raw.write(("GET /derp HTTP/1.1\r\nHost: " + hostHeader + "\r\nUpgrade: DERP\r\nConnection: Upgrade\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            raw.flush();
            UpgradeResponse r = upgradeResponse(in, node);
            if (!r.switched("DERP")) {
                String said = PeerText.forLog(r.statusLine(), PeerText.DEFAULT_MAX);
                if (r.head().status() != 101) {
                    throw new UpgradeRefusedException("DERP server " + node.name() + " refused the upgrade: " + said);
                }
                throw new DerpProtocolException("DERP server " + node.name() + " switched to something other than DERP: "
                        + said);
            }
        }
        OutputStream out = new java.io.BufferedOutputStream(raw, 64 * 1024);
        DerpHandshake hs = new DerpHandshake(nodeKey);
        out.write(hs.clientInfo(requireFrame(DerpFrame.read(in))));
        out.flush();
        hs.checkServerInfo(requireFrame(DerpFrame.read(in)));
        // On a layered TLS socket this sets the timeout of the socket below (the JDK's layered
        // SSLSocket passes it on), so it reaches StreamSocket's watchdog too.
        s.setSoTimeout((int) bounds.silence().toMillis());
        return new DerpClient(s, bottom, in, out, handler, onLost, node.regionId() + "-" + node.name(), bounds);
    }

    private static UpgradeResponse upgradeResponse(InputStream in, DerpMap.DerpNode node) throws IOException {
        try {
            return UpgradeResponse.read(in);
        } catch (HttpHeadException e) {
            throw new DerpProtocolException("DERP server " + node.name() + " sent a bad upgrade response: "
                    + e.getMessage(), e);
        }
    }

    private static DerpFrame requireFrame(DerpFrame f) throws DerpProtocolException {
        if (f == null) {
            throw new DerpProtocolException("DERP server closed the connection during login"
                    + " (a node key unknown to the tailnet is turned away)");
        }
        return f;
    }

    private static String literal(String ip) {
        return ip == null || ip.isEmpty() || ip.equals("none") ? null : ip;
    }

    private static Socket startTls(Socket plain, DerpMap.DerpNode node, int port, SSLContext tls) throws IOException {
        boolean pinnedOrInsecure = !DerpTrust.verifiesHostName(node);
        String name = !pinnedOrInsecure && node.certName() != null && !node.certName().isEmpty()
                ? node.certName() : node.hostName();
        SSLContext context;
        try {
            context = DerpTrust.context(node, tls);
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException("cannot set up TLS for DERP node " + node.name(), e);
        }
        SSLSocket ssl = (SSLSocket) context.getSocketFactory().createSocket(plain, name, port, true);
        if (!pinnedOrInsecure) {
            SSLParameters params = ssl.getSSLParameters();
            params.setEndpointIdentificationAlgorithm("HTTPS");
            ssl.setSSLParameters(params);
        }
        ssl.startHandshake();
        return ssl;
    }

    /**
     * Queues {@code packet} for the node with key {@code destination}; never blocks. If the
     * relay has fallen {@value #SEND_QUEUE} frames behind, the packet is dropped and counted.
     *
     * @throws IOException if the connection is already gone
     */
    public void send(PublicKey destination, byte[] packet) throws IOException {
        if (destination.kind() != KeyKind.NODE) {
            throw new IllegalArgumentException("DERP addresses nodes by node key, not " + destination.kind());
        }
        byte[] payload = Arrays.copyOf(destination.raw(), 32 + packet.length);
        System.arraycopy(packet, 0, payload, 32, packet.length);
        enqueue(DerpFrame.encode(FrameType.SEND_PACKET, payload));
    }

    /** Tells the server whether this is our home relay (it only affects its statistics). */
    public void notePreferred(boolean preferred) throws IOException {
        enqueue(DerpFrame.encode(FrameType.NOTE_PREFERRED, new byte[] {(byte) (preferred ? 1 : 0)}));
    }

    private void enqueue(byte[] frame) throws IOException {
        if (closed) {
            throw new IOException("DERP connection is closed");
        }
        if (!outbox.offer(frame)) {
            dropped.incrementAndGet();
            giveUpIfStalled();
        }
    }

    /** Closes the connection (reported lost, so the node reconnects) if the writer is stuck in one write. */
    private void giveUpIfStalled() {
        long since = writingSince;
        if (since == 0 || System.nanoTime() - since < stalledWriteNanos || !stallNoticed.compareAndSet(false, true)) {
            return;
        }
        LOG.log(Level.INFO, "DERP relay has taken nothing from us for {0} s while our packets to it are dropped:"
                + " giving the connection up", TimeUnit.NANOSECONDS.toSeconds(stalledWriteNanos));
        // The connection below TLS, off the caller's thread: TLS's own close would queue a
        // close_notify behind the stuck write, and an embedder's stream may take its time.
        Thread.ofVirtual().name("microlink-derp-stalled").start(() -> {
            try {
                bottom.close(); // ends the blocked write and the reader, which reports the loss
            } catch (IOException e) {
                // already broken
            }
        });
    }

    /** Packets dropped because the relay did not keep up. */
    public long droppedSends() {
        return dropped.get();
    }

    private void writeLoop() {
        try {
            while (!closed) {
                byte[] frame = outbox.take();
                writingSince = System.nanoTime() | 1;
                out.write(frame);
                if (outbox.isEmpty()) {
                    out.flush();
                }
                writingSince = 0;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            if (!closed) {
                LOG.log(Level.DEBUG, "DERP write failed", e);
                try {
                    socket.close(); // the reader notices and reports the loss
                } catch (IOException ignored) {
                    // already broken
                }
            }
        }
    }

    private void readLoop() {
        try {
            // A frame that cannot be read ends the connection (the stream is out of step); one
            // whose handling throws is dropped, and the next is read.
            for (DerpFrame f; !closed && (f = DerpFrame.read(in)) != null; ) {
                try {
                    handle(f);
                } catch (RuntimeException e) {
                    drops.record(e);
                }
            }
        } catch (IOException e) {
            if (!closed) {
                LOG.log(Level.DEBUG, "DERP connection lost", e);
            }
        } finally {
            closed = true;
            if (!closedByUs) {
                onLost.run();
            }
        }
    }

    private void handle(DerpFrame f) throws IOException {
        switch (f.type()) {
            case FrameType.RECV_PACKET -> {
                if (f.payload().length >= 32) {
                    handler.packet(PublicKey.of(KeyKind.NODE, Arrays.copyOf(f.payload(), 32)),
                            Arrays.copyOfRange(f.payload(), 32, f.payload().length));
                }
            }
            case FrameType.PING -> enqueue(DerpFrame.encode(FrameType.PONG, f.payload()));
            case FrameType.HEALTH -> health(new String(f.payload(), StandardCharsets.UTF_8));
            default -> {
                // Keep-alives, peer-gone/present, and frames newer than us: nothing to do.
            }
        }
    }

    /**
     * Empty means healthy again; text is the server's complaint (e.g. a duplicate client), which
     * is the server's own words: escaped, bounded, and logged once per change, not per frame.
     */
    private void health(String text) {
        if (text.equals(lastHealth)) {
            return;
        }
        lastHealth = text;
        if (!text.isEmpty()) {
            LOG.log(Level.WARNING, "DERP server reports: {0}", PeerText.forLog(text, PeerText.DEFAULT_MAX));
        }
    }

    /** Frames dropped because handling them threw. */
    long droppedFrames() {
        return drops.total();
    }

    /**
     * The local address the connection went out from: when that address leaves the host, the
     * connection is dead, whatever TCP has noticed so far.
     *
     * @return the socket's local address
     */
    public java.net.InetAddress localAddress() {
        return socket.getLocalAddress();
    }

    public boolean isConnected() {
        return !closed;
    }

    @Override
    public void close() throws IOException {
        closedByUs = true;
        closed = true;
        socket.close();
        writer.interrupt();
        try {
            writer.join(Duration.ofSeconds(5));
            reader.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
