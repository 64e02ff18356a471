package io.microlink.examples;

import io.microlink.PingPath;
import io.microlink.PingResult;
import io.microlink.TailnetNode;
import io.microlink.netstack.socket.TailnetDatagramSocket;
import io.microlink.netstack.socket.TailnetServerSocket;
import io.microlink.netstack.socket.TailnetSocket;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * Ping/pong: the ways one node measures the round trip to a peer. {@code ping PEER} sends
 * DISCO pings ({@link TailnetNode#ping}, answered by the peer's tailnet software, like
 * {@code tailscale ping}), ICMP echoes ({@link TailnetNode#icmpPing}, answered by its IP
 * stack, like the system's {@code ping}), and, when asked, application pings: a line over TCP
 * ({@code --tcp PORT}) or a datagram over UDP ({@code --udp PORT}) that the peer sends back.
 * {@code pong} answers the TCP pings; the {@link UdpEcho} example answers the UDP ones, and any
 * echo server on a peer answers both.
 *
 * <pre>
 * export TS_AUTHKEY=tskey-auth-...
 * scripts/example ping-pong pong --login-server URL --hostname pong-1            # on one machine
 * scripts/example ping-pong ping pong-1 --tcp 7000 --login-server URL --count 5  # on another
 * scripts/example ping-pong ping laptop --login-server URL                        # DISCO and ICMP only
 * </pre>
 *
 * The ping side prints each answer and a summary per kind, for example:
 *
 * <pre>
 * disco seq=1: pong from pong-1 via DERP(fra) in 31.2 ms
 * disco seq=2: pong from pong-1 via 192.0.2.7:41641 in 2.9 ms
 * icmp seq=1: reply from 100.64.0.2 in 3.4 ms
 * tcp: connected to 100.64.0.2:7000 in 4.0 ms
 * tcp seq=1: echo from 100.64.0.2:7000 in 3.1 ms
 * disco: 5 sent, 5 answered, round trip min/avg/max 2.7/8.4/31.2 ms
 * </pre>
 *
 * It exits 0 when every kind of ping got at least one answer, 1 otherwise.
 */
public final class PingPong {
    static final String NAME = "ping-pong";
    private static final int DEFAULT_PORT = 7000;
    private static final List<String> PING_FLAGS = List.of("count", "interval", "timeout", "tcp", "udp");
    private static final List<String> PONG_FLAGS = List.of("port");
    private static final String HELP = """
            usage: ping-pong ping PEER [--count N] [--interval D] [--timeout D] [--tcp PORT] [--udp PORT] [flags]
                   ping-pong pong [--port PORT] [flags]

            ping PEER (a name, FQDN or tailnet IP) sends DISCO pings and ICMP echoes, and with --tcp or --udp
            lines or datagrams that an echo server on the peer sends back; it prints each round trip and a
            summary, and exits 0 when every kind got an answer. pong answers TCP pings on --port until Ctrl-C;
            the udp-echo example answers UDP ones.

            ping flags:
              --count N              pings of each kind (default 5)
              --interval D           pause between pings (default 1s)
              --timeout D            how long to wait for each answer (default 2s)
              --tcp PORT             also ping over TCP: a line to PORT, echoed back
              --udp PORT             also ping over UDP: a datagram to PORT, echoed back
            pong flags:
              --port PORT            the TCP port to answer on (default %d)

            """.formatted(DEFAULT_PORT) + ExampleNode.help(NAME);

    private PingPong() {}

    public static void main(String[] args) {
        Example.main(args, PingPong::run);
    }

    /** Runs the example in this JVM and returns its exit code (0 answered, 1 failed, 2 bad arguments). */
    public static int run(List<String> args, ExampleIo io) {
        return Example.run(NAME, HELP, args, io, PingPong::dispatch);
    }

    private static int dispatch(List<String> argv, ExampleIo io)
            throws UsageException, ExampleFailure, IOException, InterruptedException {
        // The mode first (flags of either may surround it), then the command line again with its own flags.
        String mode = ExampleArgs.parse(argv, ExampleNode.flagsWith(PING_FLAGS, PONG_FLAGS), Set.of()).command();
        return switch (mode) {
            case "ping" -> {
                ExampleArgs args = ExampleArgs.parse(argv, ExampleNode.flagsWith(PING_FLAGS), Set.of());
                yield ping(args, args.positionals("ping", "PEER").get(1), io);
            }
            case "pong" -> {
                ExampleArgs args = ExampleArgs.parse(argv, ExampleNode.flagsWith(PONG_FLAGS), Set.of());
                args.positionals("pong");
                yield pong(args, io);
            }
            case "" -> throw new UsageException("say ping PEER or pong");
            default -> throw new UsageException("unknown mode '" + mode + "': say ping PEER or pong");
        };
    }

    // ---- ping ----

    /** One answered ping: its round trip and what to print about it. */
    private record Answer(Duration rtt, String detail) {}

    @FunctionalInterface
    private interface Probe {
        Answer send(int seq) throws IOException, TimeoutException;
    }

    private static int ping(ExampleArgs args, String peer, ExampleIo io)
            throws UsageException, ExampleFailure, IOException, InterruptedException {
        int count = args.intValue("count", 5, 1, 100_000);
        Duration interval = args.duration("interval", Duration.ofSeconds(1));
        Duration timeout = args.duration("timeout", Duration.ofSeconds(2));
        int tcpPort = args.port("tcp");
        int udpPort = args.port("udp");
        try (TailnetNode node = ExampleNode.join(args, io, NAME)) {
            InetAddress address;
            try {
                address = node.resolve(peer).getFirst();
            } catch (UnknownHostException e) {
                throw new ExampleFailure("no peer " + peer + " in the tailnet");
            }
            List<String> unanswered = new ArrayList<>();
            round("disco", count, interval, io, unanswered, seq -> {
                PingResult r = node.ping(peer, PingPath.ANY, timeout);
                return new Answer(r.latency(), "pong from " + r.peer().split("\\.", 2)[0] + " via " + r.path());
            });
            round("icmp", count, interval, io, unanswered, seq ->
                    new Answer(node.icmpPing(address.getHostAddress(), timeout), "reply from "
                            + address.getHostAddress()));
            if (tcpPort > 0) {
                try (TcpPinger tcp = new TcpPinger(node, new InetSocketAddress(address, tcpPort), timeout, io)) {
                    round("tcp", count, interval, io, unanswered, tcp::send);
                }
            }
            if (udpPort > 0) {
                try (TailnetDatagramSocket udp = node.bindUdp(0)) {
                    InetSocketAddress target = new InetSocketAddress(address, udpPort);
                    round("udp", count, interval, io, unanswered, seq -> udpPing(udp, target, seq, timeout));
                }
            }
            if (!unanswered.isEmpty()) {
                throw new ExampleFailure("no answer from " + peer + " to " + String.join(", ", unanswered) + " pings");
            }
            return Example.OK;
        }
    }

    /** Sends {@code count} pings of one kind and prints each outcome and a summary; notes a kind nobody answered. */
    private static void round(String kind, int count, Duration interval, ExampleIo io, List<String> unanswered,
                              Probe probe) throws InterruptedException {
        List<Duration> rtts = new ArrayList<>();
        for (int seq = 1; seq <= count; seq++) {
            try {
                Answer a = probe.send(seq);
                rtts.add(a.rtt());
                io.out().println(kind + " seq=" + seq + ": " + a.detail() + " in " + millis(a.rtt()) + " ms");
            } catch (TimeoutException e) {
                io.out().println(kind + " seq=" + seq + ": no answer (" + e.getMessage() + ")");
            } catch (IOException e) {
                io.out().println(kind + " seq=" + seq + ": failed: " + e.getMessage());
            }
            if (seq < count) {
                Thread.sleep(interval);
            }
        }
        String summary = kind + ": " + count + " sent, " + rtts.size() + " answered";
        if (!rtts.isEmpty()) {
            double sum = rtts.stream().mapToDouble(PingPong::toMillis).sum();
            summary += ", round trip min/avg/max " + millis(rtts.stream().min(Duration::compareTo).orElseThrow())
                    + "/" + String.format(Locale.ROOT, "%.1f", sum / rtts.size()) + "/"
                    + millis(rtts.stream().max(Duration::compareTo).orElseThrow()) + " ms";
        } else {
            unanswered.add(kind);
        }
        io.out().println(summary);
    }

    /** One TCP connection for all pings, opened on the first and again after a failure. */
    private static final class TcpPinger implements AutoCloseable {
        private final TailnetNode node;
        private final InetSocketAddress target;
        private final Duration timeout;
        private final ExampleIo io;
        private TailnetSocket socket;
        private BufferedReader in;

        TcpPinger(TailnetNode node, InetSocketAddress target, Duration timeout, ExampleIo io) {
            this.node = node;
            this.target = target;
            this.timeout = timeout;
            this.io = io;
        }

        Answer send(int seq) throws IOException, TimeoutException {
            if (socket == null) {
                long start = System.nanoTime();
                socket = node.dial(target.getAddress().getHostAddress(), target.getPort(), timeout);
                socket.setSoTimeout((int) timeout.toMillis());
                in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
                io.out().println("tcp: connected to " + hostPort(target) + " in "
                        + millis(Duration.ofNanos(System.nanoTime() - start)) + " ms");
            }
            String line = "ping " + seq;
            long start = System.nanoTime();
            try {
                OutputStream out = socket.getOutputStream();
                out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                String back = in.readLine();
                if (!line.equals(back)) {
                    throw new IOException(back == null ? "the peer closed the connection" : "the peer answered '"
                            + back + "', not the ping");
                }
            } catch (SocketTimeoutException e) {
                close(); // a late echo would answer the next ping: start over on a new connection
                throw new TimeoutException("none within " + timeout.toMillis() + " ms");
            } catch (IOException e) {
                close();
                throw e;
            }
            return new Answer(Duration.ofNanos(System.nanoTime() - start), "echo from " + hostPort(target));
        }

        @Override
        public void close() {
            if (socket != null) {
                socket.close();
                socket = null;
            }
        }
    }

    /** A datagram {@code ping SEQ} to {@code target}; the answer is the same bytes from there (late ones skipped). */
    private static Answer udpPing(TailnetDatagramSocket udp, InetSocketAddress target, int seq, Duration timeout)
            throws IOException, TimeoutException {
        byte[] ping = ("ping " + seq).getBytes(StandardCharsets.UTF_8);
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        udp.send(target, ping);
        for (long left; (left = deadline - System.nanoTime()) > 0; ) {
            TailnetDatagramSocket.Datagram d = udp.receive(Duration.ofNanos(left));
            if (d != null && d.sender().equals(target) && Arrays.equals(d.data(), ping)) {
                return new Answer(Duration.ofNanos(System.nanoTime() - start), "echo from " + hostPort(target));
            }
        }
        throw new TimeoutException("none within " + timeout.toMillis() + " ms");
    }

    // ---- pong ----

    private static int pong(ExampleArgs args, ExampleIo io)
            throws UsageException, ExampleFailure, IOException, InterruptedException {
        int port = args.intValue("port", DEFAULT_PORT, 1, 65535);
        try (TailnetNode node = ExampleNode.join(args, io, NAME);
             TailnetServerSocket server = node.listen(port)) {
            io.out().println("answering TCP pings on port " + port + " of " + ExampleNode.addresses(node)
                    + "; DISCO and ICMP pings are answered by the node itself");
            Thread.ofVirtual().name("pong-accept").start(() -> acceptAll(node, server, io));
            Example.untilStopped(io);
            return Example.OK;
        }
    }

    private static void acceptAll(TailnetNode node, TailnetServerSocket server, ExampleIo io) {
        try {
            while (true) {
                TailnetSocket caller = server.accept();
                Thread.ofVirtual().name("pong-" + caller.getRemoteSocketAddress()).start(() -> echoLines(node, caller,
                        io));
            }
        } catch (IOException e) {
            // the server closed: the example is stopping
        }
    }

    /** Sends every line back as it came, and says who pinged (the caller's name from {@link TailnetNode#whois}). */
    private static void echoLines(TailnetNode node, TailnetSocket caller, ExampleIo io) {
        InetSocketAddress from = caller.getRemoteSocketAddress();
        String who = node.whois(from.getAddress()).map(w -> w.shortName()).orElse("unknown node");
        try (caller) {
            BufferedReader in = new BufferedReader(new InputStreamReader(caller.getInputStream(),
                    StandardCharsets.UTF_8));
            OutputStream out = caller.getOutputStream();
            for (String line; (line = in.readLine()) != null; ) {
                out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                io.out().println("pong to " + who + " (" + hostPort(from) + "): " + line);
            }
        } catch (IOException e) {
            io.out().println("connection from " + who + " ended: " + e.getMessage());
        }
    }

    private static String hostPort(InetSocketAddress a) {
        String host = a.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    private static double toMillis(Duration d) {
        return d.toNanos() / 1e6;
    }

    private static String millis(Duration d) {
        return String.format(Locale.ROOT, "%.1f", toMillis(d));
    }
}
