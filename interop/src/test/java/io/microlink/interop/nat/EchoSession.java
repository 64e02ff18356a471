package io.microlink.interop.nat;

import io.microlink.interop.Await;
import io.microlink.interop.ManagedProcess;
import io.microlink.interop.NatTopology;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The transfer the network-change tests watch: an echo server on a tailscaled's host and, from
 * the Java daemon through the tailnet, {@code microlink nc} to it with a byte every few
 * milliseconds ({@link EchoLoop}). Also the checks those tests share: a direct path through a
 * given router, and both nodes' logs when something fails.
 */
final class EchoSession implements AutoCloseable {
    private static final int ECHO_PORT = 7007;

    private final Path echoLog;
    private final ManagedProcess echo;
    private final EchoLoop loop;

    private EchoSession(Path echoLog, ManagedProcess echo, EchoLoop loop) {
        this.echoLog = echoLog;
        this.echo = echo;
        this.loop = loop;
    }

    /** Starts the echo server beside {@code ts} and the loop from {@code java}; returns once bytes come back. */
    static EchoSession start(NatTopology net, NatLab.JavaNode java, NatLab.TailscaledNode ts, Duration budget)
            throws IOException {
        Path log = Files.createTempFile("echo", ".log");
        ManagedProcess echo;
        try {
            // tailscaled in userspace mode hands a tailnet connection to its own port to 127.0.0.1.
            echo = net.namespaces().start(ts.host().namespace(), "echo", List.of("socat",
                    "TCP-LISTEN:" + ECHO_PORT + ",bind=127.0.0.1,reuseaddr,fork", "EXEC:cat"), Map.of(), log);
        } catch (RuntimeException e) {
            Files.deleteIfExists(log);
            throw e;
        }
        EchoSession session;
        try {
            session = new EchoSession(log, echo,
                    new EchoLoop(java.daemon().startCli("nc", ts.name(), Integer.toString(ECHO_PORT))));
        } catch (IOException | RuntimeException e) {
            echo.close();
            Files.deleteIfExists(log);
            throw e;
        }
        try {
            Await.until(budget, "the echo loop to carry bytes", () -> session.loop.returned() > 20);
            return session;
        } catch (RuntimeException | Error e) {
            session.close();
            throw e;
        }
    }

    EchoLoop loop() {
        return loop;
    }

    /**
     * Waits until {@code from} uses a direct path to {@code to} through {@code router}'s public
     * address (so through that NAT, not another, and not DERP); returns how long that took.
     */
    static Duration awaitDirect(NatLab.Node from, NatLab.Node to, NatTopology.Router router, Duration budget,
                                String what) {
        long start = System.nanoTime();
        String wanted = router.publicAddress() + ":";
        Await.until(budget, () -> what + " via " + router.publicAddress() + " (now " + from.directPath(to) + ")", () -> {
            String path = from.directPath(to);
            return path != null && path.startsWith(wanted);
        });
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /** How many times the Java daemon's log says control answered a map stream ({@code CONNECTED}). */
    static int controlAnswers(NatLab.JavaNode java) {
        return java.logTail().split("CONNECTED: ", -1).length - 1;
    }

    /**
     * Waits until the Java daemon's control connection answered one more map stream than
     * {@code before} ({@link #controlAnswers}): it dialled control again, and control answered.
     * Returns how long that took.
     */
    static Duration awaitControlAnswered(NatLab.JavaNode java, int before, Duration budget, String what) {
        long start = System.nanoTime();
        Await.until(budget, what, () -> controlAnswers(java) > before);
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /** Prints both nodes' recent logs: what a failed run needs to be understood. */
    static void printLogs(NatLab.Node java, NatLab.Node ts) {
        System.out.println("--- Java daemon log ---\n" + java.logTail());
        System.out.println("--- tailscaled log ---\n" + ts.logTail());
    }

    @Override
    public void close() throws IOException {
        try (echo) {
            loop.close();
        } finally {
            Files.deleteIfExists(echoLog);
        }
    }
}
