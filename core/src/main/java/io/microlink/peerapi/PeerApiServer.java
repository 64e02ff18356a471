package io.microlink.peerapi;

import io.microlink.dns.ExitDnsForwarder;
import io.microlink.netstack.DroppedInput;
import io.microlink.netstack.socket.DeadlineInputStream;
import io.microlink.netstack.socket.Netstack;
import io.microlink.netstack.socket.TailnetServerSocket;
import io.microlink.netstack.socket.TailnetSocket;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.net.BindException;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;
import java.util.zip.CRC32;

/**
 * This node's peerAPI: plain HTTP/1.1 on one TCP port of its tailnet addresses in its netstack,
 * as tailscaled serves it to its peers, here for one thing only: an exit node's DNS
 * ({@code /dns-query}, RFC 8484 over WireGuard, {@link PeerApiRequest}), answered by the host's
 * resolvers ({@link ExitDnsForwarder}) for the peers {@code mayAskDns} admits, others getting
 * 403 "DNS access denied". The port is tailscale's ({@link #port}): 32768 and up, from the
 * address. Hostile peers are bounded: {@value #MAX_CONNECTIONS} connections, {@value #MAX_PER_PEER}
 * from one address (more are closed on arrival), each request head and body within
 * {@link #REQUEST_DEADLINE} of when it is awaited (a kept-alive connection that is idle that long
 * is closed), {@value #MAX_REQUESTS} requests a connection, an answer within
 * {@link #ANSWER_DEADLINE} (tailscaled's five seconds; past it 500), and a connection whose
 * handling throws is dropped and counted ({@link DroppedInput}).
 *
 * <pre>{@code
 * PeerApiServer api = PeerApiServer.start(netstack, firstAddress, own::contains, peer -> allowed(peer), dns);
 * int port = api.port();    // for Hostinfo's peerapi4/peerapi6 services
 * }</pre>
 */
public final class PeerApiServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("io.microlink.peerapi");
    static final int MAX_CONNECTIONS = 64;
    static final int MAX_PER_PEER = 8;
    static final int MAX_REQUESTS = 100;
    static final Duration REQUEST_DEADLINE = Duration.ofSeconds(10);
    static final Duration ANSWER_DEADLINE = Duration.ofSeconds(5);
    private static final int BACKLOG = 16;
    private static final int PORT_TRIES = 5;

    private final TailnetServerSocket listener;
    private final Predicate<InetAddress> own;
    private final Predicate<InetAddress> mayAskDns;
    private final ExitDnsForwarder dns;
    private final Map<InetAddress, Integer> perPeer = new HashMap<>(); // guarded by itself
    private final DroppedInput drops = new DroppedInput(LOG, "peerAPI connection");
    private final LongAdder answered = new LongAdder();
    private final LongAdder denied = new LongAdder();
    private final LongAdder connectionsRefused = new LongAdder();

    private PeerApiServer(TailnetServerSocket listener, Predicate<InetAddress> own, Predicate<InetAddress> mayAskDns,
                          ExitDnsForwarder dns) {
        this.listener = listener;
        this.own = own;
        this.mayAskDns = mayAskDns;
        this.dns = dns;
    }

    /**
     * Listens on the port tailscale would pick for {@code address} (the first of five tries that
     * is free) on all of {@code stack}'s addresses, and serves until closed.
     *
     * @param address   the node's address the port is derived from (its IPv4 one when it has one)
     * @param own       whether an address is this node's, for the {@code Host} check
     * @param mayAskDns whether the peer at an address may use this node's DNS ({@link ExitDnsAccess})
     * @throws BindException when all five ports are taken on the stack
     */
    public static PeerApiServer start(Netstack stack, InetAddress address, Predicate<InetAddress> own,
                                      Predicate<InetAddress> mayAskDns, ExitDnsForwarder dns) throws IOException {
        BindException taken = null;
        for (int attempt = 0; attempt < PORT_TRIES; attempt++) {
            try {
                PeerApiServer server = new PeerApiServer(stack.listen(port(address, attempt), BACKLOG), own, mayAskDns, dns);
                Thread.ofVirtual().name("microlink-peerapi").start(server::acceptLoop);
                return server;
            } catch (BindException e) {
                taken = e;
            }
        }
        throw taken;
    }

    /**
     * tailscale's peerAPI port for {@code address} ({@code peerAPIServer.listen}): 32768 with the
     * low 15 bits of the CRC-32 of the address's last three bytes, the first of them plus
     * {@code attempt}, so a node keeps its port across restarts.
     */
    static int port(InetAddress address, int attempt) {
        byte[] a = address.getAddress();
        byte[] last3 = {(byte) (a[a.length - 3] + attempt), a[a.length - 2], a[a.length - 1]};
        CRC32 crc = new CRC32();
        crc.update(last3);
        return 0x8000 | (int) (crc.getValue() & 0xFFFF);
    }

    /** The TCP port peers reach the peerAPI on. */
    public int port() {
        return listener.port();
    }

    /** DNS queries answered (by the resolvers, or with SERVFAIL or FORMERR). */
    public long answered() {
        return answered.sum();
    }

    /** DNS requests refused because the peer may not use this node's DNS. */
    public long denied() {
        return denied.sum();
    }

    /** Connections closed on arrival, past {@value #MAX_CONNECTIONS} or {@value #MAX_PER_PEER} from one address. */
    public long connectionsRefused() {
        return connectionsRefused.sum();
    }

    private void acceptLoop() {
        while (true) {
            TailnetSocket socket;
            try {
                socket = listener.accept();
            } catch (IOException e) {
                return; // closed
            }
            InetAddress peer = socket.getRemoteSocketAddress().getAddress();
            if (!admit(peer)) {
                connectionsRefused.increment();
                socket.close();
                continue;
            }
            Thread.ofVirtual().name("microlink-peerapi-conn").start(() -> {
                try (socket) {
                    serve(socket, peer);
                } catch (IOException e) {
                    LOG.log(Level.DEBUG, "peerAPI connection from {0}: {1}", peer, e.getMessage());
                } catch (RuntimeException e) {
                    drops.record(e);
                } finally {
                    release(peer);
                }
            });
        }
    }

    private boolean admit(InetAddress peer) {
        synchronized (perPeer) {
            int all = perPeer.values().stream().mapToInt(Integer::intValue).sum();
            int mine = perPeer.getOrDefault(peer, 0);
            if (all >= MAX_CONNECTIONS || mine >= MAX_PER_PEER) {
                return false;
            }
            perPeer.put(peer, mine + 1);
            return true;
        }
    }

    private void release(InetAddress peer) {
        synchronized (perPeer) {
            perPeer.computeIfPresent(peer, (k, n) -> n == 1 ? null : n - 1);
        }
    }

    /** Requests in turn until the peer closes, stops in time, or a request is refused. */
    private void serve(TailnetSocket socket, InetAddress peer) throws IOException {
        OutputStream out = socket.getOutputStream();
        long[] deadline = new long[1];
        // One buffer for the connection: a pipelined request's first bytes may be in it already.
        InputStream in = new BufferedInputStream(new DeadlineInputStream(socket.getInputStream(), socket::setSoTimeout,
                () -> deadline[0], "peerAPI request not complete in time"), 1024);
        for (int i = 0; i < MAX_REQUESTS; i++) {
            deadline[0] = System.nanoTime() + REQUEST_DEADLINE.toNanos();
            PeerApiRequest request;
            try {
                request = PeerApiRequest.read(in, own);
            } catch (SocketTimeoutException e) {
                return; // idle or too slow: close
            }
            if (request == null) {
                return;
            }
            Optional<PeerApiRequest.Refusal> refusal = request.dnsPath() && !mayAskDns.test(peer)
                    ? Optional.of(new PeerApiRequest.Refusal(403, "DNS access denied")) : request.refusal();
            if (refusal.isPresent()) {
                if (refusal.get().status() == 403 && request.dnsPath()) {
                    denied.increment();
                }
                out.write(errorResponse(refusal.get()));
                out.flush();
                return;
            }
            byte[] answer = answer(request.query());
            if (answer == null) {
                out.write(errorResponse(new PeerApiRequest.Refusal(500, "DNS forwarding error")));
                out.flush();
                return;
            }
            answered.increment();
            out.write(dnsResponse(answer, request.keepAlive() && i + 1 < MAX_REQUESTS));
            out.flush();
            if (!request.keepAlive()) {
                return;
            }
        }
    }

    private byte[] answer(byte[] query) {
        try {
            return dns.answer(query).get(ANSWER_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    static byte[] dnsResponse(byte[] message, boolean keepAlive) {
        return response("200 OK", "Content-Type: " + PeerApiRequest.DNS_MESSAGE + "\r\n"
                + (keepAlive ? "" : "Connection: close\r\n"), message);
    }

    /** tailscaled's {@code http.Error}: the reason as plain text, and the connection closes. */
    static byte[] errorResponse(PeerApiRequest.Refusal refusal) {
        return response(refusal.status() + " " + reason(refusal.status()), "Content-Type: text/plain; charset=utf-8\r\n"
                + "X-Content-Type-Options: nosniff\r\nConnection: close\r\n",
                (refusal.reason() + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** Status line, {@code fields} (each ending in CRLF), the body's length, and the body, in one write. */
    private static byte[] response(String status, String fields, byte[] body) {
        byte[] head = ("HTTP/1.1 " + status + "\r\n" + fields + "Content-Length: " + body.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] all = Arrays.copyOf(head, head.length + body.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        return all;
    }

    private static String reason(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 411 -> "Length Required";
            case 413 -> "Content Too Large";
            case 431 -> "Request Header Fields Too Large";
            default -> "Internal Server Error";
        };
    }

    @Override
    public void close() {
        listener.close();
    }
}
