package io.microlink.examples;

import io.microlink.Peer;
import io.microlink.TailnetNode;
import io.microlink.netstack.socket.TailnetDatagramSocket;
import io.microlink.netstack.socket.TailnetSocket;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Sensor node: takes a reading every few seconds and sends it to a collector on another node
 * of the tailnet as one line of JSON. The readings are this machine's: its load average and
 * the JVM's heap in use, e.g.
 * {@code {"sensor":"sensor-a1b2c3","seq":7,"time":"2025-01-01T12:00:35Z","loadAverage":0.42,"heapUsedBytes":18874368}}.
 *
 * <p>Over TCP (the default) it keeps one connection to {@code COLLECTOR:PORT}. When the
 * collector goes away (closes the connection, restarts, or its node goes offline) the readings
 * wait, up to {@value #MAX_WAITING} of them, and the sensor connects again at the next
 * reading and sends them in order. (A reading written in the instant the collector goes away
 * can still be lost: TCP tells a sender that bytes left, not that they were read.) With
 * {@code --udp} each reading is one datagram, sent whether or not anyone listens, as small
 * devices often do.
 *
 * <pre>
 * export TS_AUTHKEY=tskey-auth-...
 * # a collector: any TCP server on a tailnet node, e.g. on a machine running tailscale:
 * nc -lk 9000
 * scripts/example sensor collector-host --port 9000 --interval 5s --login-server URL
 * scripts/example sensor collector-host --udp --port 9000 --count 10 --login-server URL
 * </pre>
 *
 * With {@code --count N} it stops after N readings and exits 0 when none is left waiting
 * (TCP) or failed to leave (UDP), 1 otherwise; without it it runs until Ctrl-C.
 */
public final class SensorNode {
    static final String NAME = "sensor";
    private static final int DEFAULT_PORT = 9000;
    /** Readings kept while the collector is away; older ones are dropped first. */
    static final int MAX_WAITING = 100;
    private static final Duration DIAL_TIMEOUT = Duration.ofSeconds(10);
    /** How long the sensor, when it stops, waits for the collector to close after the last reading. */
    private static final Duration GOODBYE_WAIT = Duration.ofSeconds(5);
    private static final String HELP = """
            usage: sensor COLLECTOR [--port PORT] [--udp] [--interval D] [--count N] [flags]

            Sends a reading (load average, heap in use) as a line of JSON to COLLECTOR (a tailnet name or
            IP) every --interval: over one TCP connection that it opens again when the collector goes
            away, keeping the readings meanwhile, or with --udp as one datagram each.

            sensor flags:
              --port PORT            the collector's port (default %d)
              --udp                  send datagrams instead of a TCP stream
              --interval D           time between readings, e.g. 500ms, 5s, 1m (default 5s)
              --count N              stop after N readings (default: run until Ctrl-C)

            """.formatted(DEFAULT_PORT) + ExampleNode.help(NAME);

    private SensorNode() {}

    public static void main(String[] args) {
        Example.main(args, SensorNode::run);
    }

    /**
     * Runs the example in this JVM and returns its exit code: 0 when every reading went out
     * (or it was interrupted), 1 when some did not or the node could not join, 2 for bad arguments.
     */
    public static int run(List<String> args, ExampleIo io) {
        return Example.run(NAME, HELP, args, io, SensorNode::measure);
    }

    private static int measure(List<String> argv, ExampleIo io)
            throws UsageException, ExampleFailure, IOException, InterruptedException {
        ExampleArgs args = ExampleArgs.parse(argv, ExampleNode.flagsWith(List.of("port", "interval", "count")),
                Set.of("udp"));
        String collector = args.positionals("COLLECTOR").getFirst();
        int port = args.intValue("port", DEFAULT_PORT, 1, 65535);
        Duration interval = args.duration("interval", Duration.ofSeconds(5));
        int count = args.intValue("count", 0, 1, Integer.MAX_VALUE);
        try (TailnetNode node = ExampleNode.join(args, io, NAME);
             Sender sender = args.flag("udp") ? new UdpSender(node, collector, port, io)
                     : new TcpSender(node, collector, port, io)) {
            String sensor = node.tailnet().self().map(Peer::shortName).orElse(NAME);
            for (long seq = 1; count == 0 || seq <= count; seq++) {
                sender.send(seq, reading(sensor, seq));
                if (count == 0 || seq < count) {
                    try {
                        Thread.sleep(interval);
                    } catch (InterruptedException e) {
                        io.out().println("stopped after " + seq + " readings");
                        return Example.OK;
                    }
                }
            }
            int undelivered = sender.undelivered();
            if (undelivered > 0) {
                throw new ExampleFailure(undelivered + " of " + count + " readings did not reach " + collector + ":"
                        + port);
            }
            io.out().println("sent " + count + " readings to " + collector + ":" + port);
            return Example.OK;
        }
    }

    /** One reading of this machine as a line of JSON (a load average below 0: the OS does not say). */
    static String reading(String sensor, long seq) {
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        Runtime rt = Runtime.getRuntime();
        // The sensor name is a tailnet host name (letters, digits, '-'), so it needs no JSON escaping.
        return String.format(Locale.ROOT, "{\"sensor\":\"%s\",\"seq\":%d,\"time\":\"%s\",\"loadAverage\":%.2f,"
                + "\"heapUsedBytes\":%d}", sensor, seq, Instant.now(), load, rt.totalMemory() - rt.freeMemory());
    }

    /** How readings leave the sensor. */
    private sealed interface Sender extends AutoCloseable permits TcpSender, UdpSender {
        void send(long seq, String json);

        /** Readings taken but not delivered (still waiting, or dropped). */
        int undelivered();

        @Override
        void close();
    }

    /** Readings as lines on one TCP connection, opened again when it breaks; readings wait meanwhile. */
    private static final class TcpSender implements Sender {
        private final TailnetNode node;
        private final String collector;
        private final int port;
        private final ExampleIo io;
        private final Deque<String> waiting = new ArrayDeque<>();
        private int dropped;
        private TailnetSocket connection;
        /** Counted down by the thread watching the connection when the collector closed or reset it. */
        private CountDownLatch collectorLeft;

        TcpSender(TailnetNode node, String collector, int port, ExampleIo io) {
            this.node = node;
            this.collector = collector;
            this.port = port;
            this.io = io;
        }

        @Override
        public void send(long seq, String json) {
            if (waiting.size() == MAX_WAITING) {
                waiting.removeFirst();
                dropped++;
            }
            waiting.addLast(json);
            if (connection != null && collectorLeft.getCount() == 0) {
                io.out().println("the collector closed the connection; connecting again");
                disconnect();
            }
            if (connection == null && !connect()) {
                io.out().println("reading " + seq + " waits: " + waiting.size() + " waiting");
                return;
            }
            try {
                while (!waiting.isEmpty()) {
                    connection.getOutputStream().write((waiting.peekFirst() + "\n").getBytes(StandardCharsets.UTF_8));
                    waiting.removeFirst();
                }
                io.out().println("sent reading " + seq + " to " + collector + ":" + port);
            } catch (IOException e) {
                io.out().println("lost the collector (" + e.getMessage() + "); reading " + seq + " waits");
                disconnect();
            }
        }

        private boolean connect() {
            try {
                connection = node.dial(collector, port, DIAL_TIMEOUT);
            } catch (IOException e) {
                io.out().println("cannot reach the collector " + collector + ":" + port + ": " + e.getMessage());
                return false;
            }
            CountDownLatch left = new CountDownLatch(1);
            collectorLeft = left;
            TailnetSocket watched = connection;
            // A collector only listens; its end of stream (or a reset) is the sign it went away.
            Thread.ofVirtual().name("sensor-watch").start(() -> {
                try (InputStream in = watched.getInputStream()) {
                    while (in.read() >= 0) {
                        // whatever the collector sends is not for us
                    }
                } catch (IOException e) {
                    // reset, or closed by disconnect(): either way the connection is over
                }
                left.countDown();
            });
            io.out().println("connected to the collector " + collector + " at "
                    + connection.getRemoteSocketAddress().getAddress().getHostAddress() + ":" + port);
            return true;
        }

        private void disconnect() {
            connection.close();
            connection = null;
        }

        @Override
        public int undelivered() {
            return waiting.size() + dropped;
        }

        @Override
        public void close() {
            if (connection == null) {
                return;
            }
            // End of stream after the last line; the collector's own end of stream says it read
            // them all. Closing at once could end the node before the last lines went out.
            connection.shutdownOutput();
            try {
                collectorLeft.await(GOODBYE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            disconnect();
        }
    }

    /** Readings as datagrams, one each; nobody acknowledges them. */
    private static final class UdpSender implements Sender {
        private final TailnetNode node;
        private final String collector;
        private final int port;
        private final ExampleIo io;
        private final TailnetDatagramSocket udp;
        private int failed;

        UdpSender(TailnetNode node, String collector, int port, ExampleIo io) throws IOException {
            this.node = node;
            this.collector = collector;
            this.port = port;
            this.io = io;
            this.udp = node.bindUdp(0);
        }

        @Override
        public void send(long seq, String json) {
            try {
                InetSocketAddress to = new InetSocketAddress(node.resolve(collector).getFirst(), port);
                udp.send(to, json.getBytes(StandardCharsets.UTF_8));
                io.out().println("sent reading " + seq + " to " + collector + ":" + port);
            } catch (IOException e) {
                failed++;
                io.out().println("reading " + seq + " not sent: " + e.getMessage());
            }
        }

        @Override
        public int undelivered() {
            return failed;
        }

        @Override
        public void close() {
            udp.close();
        }
    }
}
