package io.microlink.interop.wireguard;

import static org.assertj.core.api.Assertions.assertThat;

import io.microlink.crypto.X25519;
import io.microlink.interop.Await;
import io.microlink.interop.Exec;
import io.microlink.interop.NetworkNamespaces;
import io.microlink.interop.WireGuardGo;
import io.microlink.wireguard.WireGuardDevice;
import io.microlink.wireguard.config.WgQuickParser;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** One Java interface, two wireguard-go peers in separate namespaces, routed by AllowedIPs. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class MultiplePeersTest {
    @TempDir
    Path dir;

    @Test
    void eachPeerIsReachedThroughItsOwnAllowedIpsAndReachesBack() throws Exception {
        byte[] javaKey = X25519.generatePrivateKey();
        String b64 = Base64.getEncoder().encodeToString(javaKey);
        try (NetworkNamespaces net = new NetworkNamespaces()) {
            String ns1 = net.create("peerone"), ns2 = net.create("peertwo");
            net.linkToSelf("10.204.1.1/24", ns1, "10.204.1.2/24");
            net.linkToSelf("10.204.2.1/24", ns2, "10.204.2.2/24");
            try (WireGuardGo one = WireGuardGo.start(net, ns1, dir, 51821);
                 WireGuardGo two = WireGuardGo.start(net, ns2, dir, 51821)) {
                one.addPeer(X25519.publicKey(javaKey), null, "10.80.0.1/32", "10.204.1.1:52900", 0);
                one.addAddress("10.80.0.2/24");
                two.addPeer(X25519.publicKey(javaKey), null, "10.80.0.1/32", "10.204.2.1:52900", 0);
                two.addAddress("10.80.0.3/24");
                String conf = "[Interface]\nPrivateKey = " + b64 + "\nListenPort = 52900\nAddress = 10.80.0.1/24\n"
                        + "[Peer]\nPublicKey = " + Base64.getEncoder().encodeToString(one.publicKey())
                        + "\nAllowedIPs = 10.80.0.2/32\nEndpoint = 10.204.1.2:51821\n"
                        + "[Peer]\nPublicKey = " + Base64.getEncoder().encodeToString(two.publicKey())
                        + "\nAllowedIPs = 10.80.0.3/32\nEndpoint = 10.204.2.2:51821\n";
                try (WireGuardDevice java = WireGuardDevice.start(WgQuickParser.parse("multi.conf", "mlwgmulti", conf))) {
                    for (String target : List.of("10.80.0.2", "10.80.0.3")) {
                        Await.until(Duration.ofSeconds(20), "Java to ping " + target, () -> Exec.run(
                                Duration.ofSeconds(10), List.of("ping", "-c", "1", "-W", "2", target)).succeeded());
                    }
                    assertThat(net.exec(ns1, "ping", "-c", "1", "-W", "2", "10.80.0.1").succeeded()).isTrue();
                    assertThat(net.exec(ns2, "ping", "-c", "1", "-W", "2", "10.80.0.1").succeeded()).isTrue();
                    // Each ping went to the peer its AllowedIPs name: one session per peer.
                    assertThat(java.engine().peers()).allSatisfy(p -> assertThat(p.handshakesCompleted()).isEqualTo(1));
                    assertThat(java.engine().activeSessionCount()).isEqualTo(2);
                }
            }
        }
    }
}
