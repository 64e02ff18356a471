package io.microlink.interop.demo;

import io.microlink.NodeListener;
import io.microlink.NodeState;
import io.microlink.TailnetNode;
import io.microlink.control.wire.Node;
import io.microlink.interop.Await;
import io.microlink.interop.PingReply;
import io.microlink.interop.ReferencePrograms;
import io.microlink.interop.TcpEchoServer;
import io.microlink.interop.TailscaleStatus;
import io.microlink.interop.Tailscaled;
import io.microlink.interop.TestTailnet;
import io.microlink.key.KeyKind;
import io.microlink.key.PrivateKey;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.List;

/**
 * The README's main job: a local test tailnet (real headscale and tailscaled, isolated on
 * loopback) and a walk through what the Java node does so far. Run it with
 * {@code scripts/demo}; {@code --hold} keeps the tailnet up until Ctrl-C.
 */
public final class Demo {
    private Demo() {}

    public static void main(String[] args) throws Exception {
        boolean hold = List.of(args).contains("--hold");
        try (TestTailnet tailnet = TestTailnet.create()) {
            step("Starting headscale (real, " + ReferencePrograms.headscale().getParent().getFileName() + ")");
            say("control URL %s, embedded DERP region %d (%s), STUN on 127.0.0.1:%d",
                    tailnet.headscale().url(), tailnet.headscale().derpRegionId(),
                    tailnet.headscale().derpRegionCode(), tailnet.headscale().stunPort());

            step("Starting two real tailscaled nodes and logging them in with a pre-auth key");
            Tailscaled ts1 = tailnet.addNode("ts1");
            Tailscaled ts2 = tailnet.addNode("ts2");
            tailnet.awaitMesh(Duration.ofSeconds(90));
            for (TailscaleStatus.Peer p : ts1.status().peerList()) {
                say("ts1 sees %-4s %-28s online=%s home DERP=%s", p.hostName(), String.join(",", p.tailscaleIps()),
                        p.online(), p.relay());
            }

            step("tailscale ping ts1 -> ts2 until a direct path is found");
            for (PingReply r : ts1.ping("ts2", "-c", "20")) {
                say("pong from %s via %s in %.2f ms", r.nodeName(), r.via(), r.latency().toNanos() / 1e6);
            }

            step("TCP through the tailnet: tailscale nc from ts1 to a port ts2 forwards");
            try (TcpEchoServer echo = new TcpEchoServer()) {
                byte[] hello = "hello over WireGuard\n".getBytes(StandardCharsets.UTF_8);
                byte[] back = ts1.nc(ts2.ip("-4").getFirst(), echo.port(), hello, hello.length, Duration.ofSeconds(30));
                say("sent %d bytes, got back: %s", hello.length, new String(back, StandardCharsets.UTF_8).strip());
            }

            step("A Java node joins the same tailnet (ts2021 control, no tailscaled)");
            try (TailnetNode java = TailnetNode.builder()
                    .controlUrl(tailnet.headscale().url())
                    .authKey(tailnet.reusableKey(TestTailnet.DEFAULT_USER).key())
                    .hostname("java1")
                    .stateDirectory(tailnet.dir().resolve("java1"))
                    .plainHttpDerpForTesting() // the test tailnet's relay speaks plain HTTP
                    .build()) {
                java.addListener(new NodeListener() {
                    @Override
                    public void stateChanged(NodeState state, String detail) {
                        say("java1: %s (%s)", state, detail);
                    }
                });
                java.start();
                Await.until(Duration.ofSeconds(60), "java1 to connect", () -> java.state() == NodeState.CONNECTED
                        && java.netmap().peers().size() >= 2);
                Node self = java.netmap().self().orElseThrow();
                say("java1 is %s with %s, node key %s", self.name(), String.join(",", self.addresses()),
                        java.nodeKey().shortString());
                for (Node peer : java.netmap().peers()) {
                    say("java1's netmap: %-22s %-34s online=%s home DERP region %d", peer.name(),
                            String.join(",", peer.addresses()), peer.online(), peer.homeRegion());
                }
                Await.until(Duration.ofSeconds(30), "ts1 to see java1 with its home DERP",
                        () -> ts1.status().seesOnlineWithHomeDerp("java1"));
                var seen = ts1.status().peer("java1").orElseThrow();
                say("ts1's tailscale status lists java1: %s, home DERP %s", seen.tailscaleIps(), seen.relay());
                step("tailscale ping ts1 -> java1 (DISCO, answered by the Java node's magicsock)");
                for (PingReply r : ts1.ping("java1", "-c", "20")) {
                    say("pong from %s via %s in %.2f ms", r.nodeName(), r.via(), r.latency().toNanos() / 1e6);
                }
                step("tailscale ping --tsmp ts1 -> java1 (inside WireGuard, answered by the Java engine)");
                for (PingReply r : ts1.ping("java1", "--tsmp", "-c", "3")) {
                    say("pong from %s (%s) via %s in %.2f ms", r.nodeName(), r.nodeIp(), r.via(),
                            r.latency().toNanos() / 1e6);
                }
                javaNodeProgress();
                if (hold) {
                    holdUntilInterrupted(tailnet);
                }
            }

            step("Done; stopping everything");
        }
    }

    private static void holdUntilInterrupted(TestTailnet tailnet) throws InterruptedException {
        step("The tailnet stays up until Ctrl-C. Try:");
        for (Tailscaled ts : tailnet.nodes()) {
            say("%s --socket=%s status", ReferencePrograms.tailscale(),
                    tailnet.dir().resolve(ts.hostname()).resolve("tailscaled.sock"));
        }
        say("logs: %s", tailnet.dir());
        Thread.sleep(Long.MAX_VALUE);
    }

    private static void javaNodeProgress() throws GeneralSecurityException {
        PrivateKey machine = PrivateKey.generate(KeyKind.MACHINE);
        PrivateKey node = PrivateKey.generate(KeyKind.NODE);
        PrivateKey disco = PrivateKey.generate(KeyKind.DISCO);
        say("works: keys in Tailscale's text forms: %s %s %s", machine.publicKey(), node.publicKey().shortString(),
                disco.publicKey().shortString());
        PrivateKey peer = PrivateKey.generate(KeyKind.NODE);
        byte[] sealed = node.boxTo(peer.publicKey()).seal("ping".getBytes(StandardCharsets.UTF_8));
        byte[] opened = peer.boxTo(node.publicKey()).open(sealed);
        say("works: NaCl box as DERP and DISCO use it (%d-byte sealed box opened to '%s')", sealed.length,
                new String(opened, StandardCharsets.UTF_8));
        say("not yet: application traffic (userspace TCP/IP and sockets), daemon, web UI, LOPOWER;"
                + " see the feature table in README.md");
    }

    private static void step(String text) {
        System.out.println("\n== " + text);
    }

    private static void say(String format, Object... args) {
        System.out.println("   " + format.formatted(args));
    }
}
