package io.microlink.interop.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.microlink.TailnetNode;
import io.microlink.interop.Await;
import io.microlink.interop.Tailscaled;
import io.microlink.interop.TestTailnet;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A real tailscaled restarts (same node key, new disco key, new port) while a Java node talks to
 * it. Its WireGuard sessions are gone; the Java node's are not, and plain WireGuard would send
 * into them until its 15 s timer rehandshakes. Seeing the new disco key, the Java node drops its
 * sessions and its proven path to the peer, as tailscaled does for a restarted peer.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class PeerRestartInteropTest {
    private static final Duration WAIT = Duration.ofSeconds(45);

    @RegisterExtension
    static final TestTailnet tailnet = TestTailnet.create();

    @Test
    void aPeerThatRestartedIsReachedAgainWithoutWaitingForWireGuardsTimer() {
        Tailscaled real = tailnet.addNode("real");
        TailnetNode node = tailnet.addJavaNode("java-restart", real);
        Await.result(WAIT, "an ICMP pong from real", () -> pong(node));

        tailnet.removeNode(real);
        tailnet.restartNode("real");
        long restarted = System.nanoTime();
        Await.result(WAIT, "an ICMP pong from the restarted real", () -> pong(node));
        Duration elapsed = Duration.ofNanos(System.nanoTime() - restarted);
        System.out.printf("restarted tailscaled answers the Java node's ping after %d ms%n", elapsed.toMillis());
        assertThat(elapsed).as("not WireGuard's own 15 s rehandshake").isLessThan(Duration.ofSeconds(10));
    }

    private static Duration pong(TailnetNode node) {
        try {
            return node.icmpPing("real", Duration.ofMillis(500));
        } catch (IOException | TimeoutException e) {
            return null;
        }
    }
}
