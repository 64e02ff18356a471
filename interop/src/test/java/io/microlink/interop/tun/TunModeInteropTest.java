package io.microlink.interop.tun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.microlink.AddressText;
import io.microlink.TailnetNode;
import io.microlink.interop.Await;
import io.microlink.interop.Exec;
import io.microlink.interop.Tailscaled;
import io.microlink.interop.TestTailnet;
import io.microlink.netstack.socket.TailnetSocket;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * TUN mode against a real tailscaled (userspace networking) on a headscale tailnet. The Java
 * node's TUN device lives in the test JVM's own loopback-only network namespace, and plain
 * {@code ping} and {@code curl} run in that namespace: the OS, not Java code, reaches the peer,
 * by IP and by MagicDNS name (answered by the node's quad-100). The tailscaled node forwards
 * its tailnet ports to a local HTTP server, as {@code tailscale serve} users do.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TunModeInteropTest {
    private static final String DEV = "mltun0";
    private static final Duration COMMAND = Duration.ofSeconds(30);
    private static final Duration FIRST_CONTACT = Duration.ofSeconds(45);
    private static final String BODY = "served behind tailscaled " + UUID.randomUUID() + "\n";

    @RegisterExtension
    static final TestTailnet tailnet = TestTailnet.create();

    private static Tailscaled real;
    private static TailnetNode tunNode;
    private static HttpServer web;
    private static String realIpv4;
    private static String realIpv6;
    private static String realName;

    @BeforeAll
    static void startBoth() throws IOException {
        web = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        web.createContext("/", exchange -> {
            byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        web.start();
        real = tailnet.addNode("real");
        tunNode = tailnet.addJavaNode("java-tun", real, b -> b.tunDevice(DEV));
        realIpv4 = real.ip("-4").getFirst();
        realIpv6 = real.ip("-6").getFirst();
        realName = tunNode.tailnet().find("real").orElseThrow().fqdn();
    }

    @AfterAll
    static void stopWeb() {
        if (web != null) {
            web.stop(0);
        }
    }

    @Test
    @Order(1)
    void theDeviceHoldsTheAddressesControlGaveTheNode() {
        assertThat(tunNode.tunInterface()).contains(DEV);
        String addresses = exec("ip", "addr", "show", "dev", DEV).requireSuccess().stdout();
        for (InetAddress a : tunNode.tailnet().self().orElseThrow().addresses()) {
            String address = AddressText.of(a);
            assertThat(addresses).contains(address + (address.contains(":") ? "/128" : "/32"));
        }
        assertThat(exec("ip", "link", "show", "dev", DEV).stdout()).contains("mtu 1280");
    }

    @Test
    @Order(2)
    void plainPingReachesTheRealNodeByIpAndByMagicDnsName() {
        // The first echo also waits for the WireGuard handshake; after that every one must come back.
        Await.until(FIRST_CONTACT, "a ping reply from " + realIpv4,
                () -> exec("ping", "-c", "1", "-W", "2", realIpv4).succeeded());
        exec("ping", "-c", "3", "-i", "0.2", "-W", "5", realIpv4).requireSuccess();
        Exec.Result byName = withMagicDns("ping", "-4", "-c", "3", "-i", "0.2", "-W", "5", realName).requireSuccess();
        assertThat(byName.stdout()).contains(realIpv4).contains("3 received");
        exec("ping", "-c", "3", "-i", "0.2", "-W", "5", realIpv6).requireSuccess();
    }

    @Test
    @Order(3)
    void plainCurlFetchesAPageTheRealNodeServesByIpAndByMagicDnsName() {
        int port = web.getAddress().getPort();
        assertThat(curl(false, "http://" + realIpv4 + ":" + port + "/").requireSuccess().stdout()).isEqualTo(BODY);
        assertThat(curl(false, "http://[" + realIpv6 + "]:" + port + "/").requireSuccess().stdout()).isEqualTo(BODY);
        assertThat(curl(true, "http://" + realName + ":" + port + "/").requireSuccess().stdout()).isEqualTo(BODY);
    }

    @Test
    @Order(4)
    void theNodesOwnSocketApiSaysToUseTheOsInstead() {
        assertThatThrownBy(() -> tunNode.dial("real", web.getAddress().getPort(), Duration.ofSeconds(5)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("TUN mode").hasMessageContaining(DEV);
    }

    @Test
    @Order(5)
    void whenTheDeviceCannotBeOpenedTheNodeCarriesOnInUserspaceMode() throws Exception {
        // "lo" exists and is no TUN device: the kernel refuses it, as it would refuse a user without CAP_NET_ADMIN.
        TailnetNode fallback = tailnet.addJavaNode("java-fallback", real, b -> b.tunDevice("lo"));
        assertThat(fallback.tunInterface()).isEmpty();
        try (TailnetSocket s = fallback.dial("real", web.getAddress().getPort(), Duration.ofSeconds(20))) {
            s.getOutputStream().write("GET / HTTP/1.0\r\nHost: real\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(response).startsWith("HTTP/1.1 200").endsWith(BODY);
        }
    }

    @Test
    @Order(6)
    void closingTheNodeRemovesTheDeviceAndItsRoutes() {
        tunNode.close();
        assertThat(exec("ip", "link", "show", "dev", DEV).succeeded()).isFalse();
        assertThat(exec("ip", "route", "get", realIpv4).stdout()).doesNotContain(DEV);
    }

    private static Exec.Result exec(String... command) {
        return Exec.run(COMMAND, List.of(command));
    }

    private static Exec.Result curl(boolean byName, String url) {
        String[] command = {"curl", "-sS", "--max-time", "20", url};
        return byName ? withMagicDns(command) : exec(command);
    }

    /**
     * Runs a command whose name lookups go to 100.100.100.100 only: the trick of
     * {@code ip netns exec}, in a private mount namespace where resolv.conf names quad-100 and
     * nsswitch asks nothing but files and DNS (never a host resolver daemon that would go out).
     */
    private static Exec.Result withMagicDns(String... command) {
        try {
            Path resolv = Files.writeString(tailnet.dir().resolve("resolv.conf"),
                    "nameserver 100.100.100.100\noptions timeout:2 attempts:3\n");
            Path nsswitch = Files.writeString(tailnet.dir().resolve("nsswitch.conf"), "hosts: files dns\n");
            List<String> all = new ArrayList<>(List.of("unshare", "--mount", "--", "sh", "-c",
                    "mount --bind \"$0\" /etc/resolv.conf && mount --bind \"$1\" /etc/nsswitch.conf && shift"
                            + " && exec \"$@\"", resolv.toString(), nsswitch.toString()));
            all.addAll(List.of(command));
            return Exec.run(COMMAND, all);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
