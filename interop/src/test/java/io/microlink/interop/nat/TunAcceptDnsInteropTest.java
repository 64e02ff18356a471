package io.microlink.interop.nat;

import static org.assertj.core.api.Assertions.assertThat;

import io.microlink.interop.Await;
import io.microlink.interop.Dnsmasq;
import io.microlink.interop.Exec;
import io.microlink.interop.ManagedProcess;
import io.microlink.interop.MicrolinkProcess;
import io.microlink.interop.NamespaceResolvConf;
import io.microlink.interop.NatTopology;
import io.microlink.interop.NetworkNamespaces;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java daemon in TUN mode sets its host's resolver ({@code --accept-dns}, the default), as
 * tailscaled does: it runs in a namespace of its own, started by {@code ip netns exec}, which
 * bind-mounts {@code /etc/netns/NS/resolv.conf} over {@code /etc/resolv.conf} for it and for
 * every command the test runs there, so the namespace's file is the one written and the
 * machine's own is never touched. Plain programs there ({@code getent}, {@code curl}) resolve a
 * real tailscaled peer by its short and MagicDNS names; a name outside the tailnet reaches the
 * resolver the file named before (a dnsmasq on the namespace's loopback), through quad-100. With
 * {@code --accept-dns=false}, and after a stop, the file is the host's own again, byte for byte;
 * a run killed with the file written leaves it, and the next run on the same state takes it over
 * and gives it back at its stop.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class TunAcceptDnsInteropTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String DEV = "mldns0";
    private static final String SUFFIX = "tailnet.test";
    private static final int PORT = 8080;
    private static final String TOKEN = UUID.randomUUID().toString();
    private static final String OUTSIDE_ZONE = "outside.example";
    private static final String OUTSIDE_NAME = "www." + OUTSIDE_ZONE;
    private static final String OUTSIDE_ADDRESS = "192.0.2.77";
    /** The host's own file: odd on purpose (comments, options, no final blank line trimmed), to prove byte for byte. */
    private static final String ORIGINAL = "# the namespace's own resolv.conf\nnameserver 127.0.0.1\n"
            + "options timeout:2 attempts:2\n\n";

    @TempDir
    static Path dir;
    private NatLab lab;
    private NatLab.TailscaledNode peer;
    private NatLab.JavaNode java;
    private ManagedProcess web;
    private Dnsmasq hostResolver;
    /** The daemon started again on the same state after a kill. */
    private MicrolinkProcess restarted;
    private NamespaceResolvConf namespaceResolvConf;
    private Path resolvConf;

    @BeforeAll
    void labWithAPeerAndAJavaNodeWhoseNamespaceHasItsOwnResolvConf() throws IOException {
        // ip netns exec mounts the namespace's file over the link's target, and a link into
        // systemd-resolved's directory is resolved's: the node would rightly leave it alone.
        Assumptions.assumeFalse(Files.isSymbolicLink(Path.of("/etc/resolv.conf")),
                "this machine's /etc/resolv.conf is a symlink");
        lab = new NatLab();
        NatTopology.Router router = lab.net().router("rd", NatTopology.Nat.EASY);
        peer = (NatLab.TailscaledNode) lab.tailscaled("tspeer", router);
        peer.up();
        web = webServerIn(peer.host().namespace());

        NatTopology.Host host = lab.net().host("mldns", router);
        namespaceResolvConf = NamespaceResolvConf.write(host.namespace(), ORIGINAL); // the name is this run's own
        resolvConf = namespaceResolvConf.file();
        hostResolver = Dnsmasq.start(host.namespace(), dir.resolve("dnsmasq"), InetAddress.ofLiteral("127.0.0.1"), 53,
                OUTSIDE_ZONE, List.of("--host-record=" + OUTSIDE_NAME + "," + OUTSIDE_ADDRESS));
        java = (NatLab.JavaNode) lab.java("mldns", host, Map.of(), "--tun", DEV);
    }

    private ManagedProcess webServerIn(String namespace) throws IOException {
        Path script = dir.resolve("page.sh");
        Files.writeString(script, "#!/bin/sh\nprintf 'HTTP/1.0 200 OK\\r\\n\\r\\npeer " + TOKEN + "\\n'\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        // A userspace tailscaled hands connections to its tailnet addresses on to the host's loopback, ::1 for IPv6.
        return lab.net().namespaces().start(namespace, "peer-web", List.of("socat",
                "TCP6-LISTEN:" + PORT + ",ipv6only=0,fork,reuseaddr", "EXEC:" + script), Map.of(), dir.resolve("peer-web.log"));
    }

    @AfterAll
    void stop() throws IOException {
        for (AutoCloseable c : new AutoCloseable[] {restarted, web, hostResolver, lab, namespaceResolvConf}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                System.err.println("cannot stop " + c + ": " + e.getMessage());
            }
        }
    }

    @Test
    @Order(1)
    void withAcceptDnsPlainProgramsResolveThePeerByName() throws IOException {
        up("--accept-dns"); // the lab's nodes log in without it
        Await.until(WAIT, () -> "the namespace's resolv.conf to name quad-100, not:\n" + read() + java.logTail(),
                () -> read().contains("nameserver 100.100.100.100\nsearch " + SUFFIX + "\n"));
        assertThat(read()).doesNotContain("127.0.0.1");
        List<String> peerAddresses = new ArrayList<>(peer.tailscaled().ip("-4"));
        peerAddresses.addAll(peer.tailscaled().ip("-6"));
        String shortName = Await.result(WAIT, "getent hosts tspeer in the Java node's namespace", () -> {
            Exec.Result r = inJava("getent", "hosts", "tspeer");
            return r.succeeded() ? r.stdout() : null;
        });
        assertThat(peerAddresses).anyMatch(shortName::startsWith);
        assertThat(inJava("getent", "ahostsv4", "tspeer." + SUFFIX).requireSuccess().stdout())
                .startsWith(peer.tailscaled().ip("-4").getFirst() + " ");
        String page = Await.result(WAIT, "curl by MagicDNS name", () -> {
            Exec.Result r = curl("http://tspeer." + SUFFIX + ":" + PORT + "/");
            return r.succeeded() ? r.stdout() : null;
        });
        assertThat(page).isEqualTo("peer " + TOKEN + "\n");
    }

    @Test
    @Order(2)
    void aNameOutsideTheTailnetGoesToTheResolverTheHostHadBefore() {
        // The file names quad-100 alone: the answer comes from the dnsmasq only through it.
        assertThat(read()).contains("nameserver 100.100.100.100").doesNotContain("127.0.0.1");
        assertThat(inJava("getent", "ahostsv4", OUTSIDE_NAME).requireSuccess().stdout()).startsWith(OUTSIDE_ADDRESS + " ");
        assertThat(hostResolver.log(200)).contains("query[A] " + OUTSIDE_NAME);
    }

    @Test
    @Order(3)
    void withAcceptDnsOffTheHostsOwnFileIsBackByteForByteAndStays() throws IOException {
        up("--accept-dns=false");
        Await.until(WAIT, () -> "the host's own resolv.conf back, not:\n" + read() + java.logTail(),
                () -> read().equals(ORIGINAL));
        Await.until(WAIT, "the node to be connected again", () -> java.sees(peer));
        assertThat(read()).isEqualTo(ORIGINAL);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(resolvConf))).isEqualTo("rw-r--r--");
        assertThat(inJava("getent", "hosts", "tspeer").succeeded()).isFalse();
    }

    @Test
    @Order(4)
    void aKilledRunsFileIsTakenOverByTheNextRun() throws Exception {
        up("--accept-dns");
        Await.until(WAIT, () -> "quad-100 again, not:\n" + read() + java.logTail(),
                () -> read().contains("nameserver 100.100.100.100"));
        String written = read();
        java.daemon().kill9();
        assertThat(read()).as("nothing ran at the kill").isEqualTo(written);
        // The same state, the same namespace: the saved settings bring the node up by themselves.
        restarted = new MicrolinkProcess(java.daemon().stateDir(), java.host().namespace()).start("--tun", DEV);
        Await.until(WAIT, () -> "getent by the restarted node:\n" + read() + restarted.log(),
                () -> inJava("getent", "hosts", "tspeer").succeeded());
        assertThat(read()).isEqualTo(written);
        assertThat(inJava("getent", "ahostsv4", OUTSIDE_NAME).requireSuccess().stdout())
                .as("the host's resolvers from the kept copy, not from our file").startsWith(OUTSIDE_ADDRESS + " ");
    }

    @Test
    @Order(5)
    void atStopTheHostsOwnFileIsBackByteForByte() throws IOException {
        assertThat(read()).contains("nameserver 100.100.100.100");
        restarted.close();
        assertThat(read()).isEqualTo(ORIGINAL);
        assertThat(Files.list(resolvConf.getParent()).map(p -> p.getFileName().toString())).containsExactly("resolv.conf");
    }

    private void up(String... flags) {
        List<String> args = new ArrayList<>(List.of(java.upFlags(WAIT)));
        args.addAll(List.of(flags));
        java.daemon().cli(args.toArray(String[]::new)).requireSuccess();
    }

    private String read() {
        try {
            return Files.readString(resolvConf);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Exec.Result curl(String url) {
        return lab.net().namespaces().exec(java.host().namespace(), Duration.ofSeconds(20), "curl", "-sS",
                "--max-time", "10", url);
    }

    private Exec.Result inJava(String... command) {
        NetworkNamespaces ns = lab.net().namespaces();
        return ns.exec(java.host().namespace(), Duration.ofSeconds(20), command);
    }
}
