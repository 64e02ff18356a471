package io.microlink.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The topology helper alone, with ping: who reaches whom, and the faults later tests inject. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class NatTopologyTest {

    @Test
    void hostsReachThePublicNetworkOnlyThroughTheirRoutersAndNothingReachesThemUnasked() {
        String publicNs, hostNs;
        try (NatTopology net = new NatTopology()) {
            NatTopology.Router carrier = net.router("carrier", NatTopology.Nat.EASY);
            NatTopology.Router home = net.router("home", NatTopology.Nat.HARD, carrier);
            NatTopology.Host phone = net.host("phone", home);
            NatTopology.Host laptop = net.host("laptop", net.router("office", NatTopology.Nat.EASY));
            publicNs = net.publicNamespace();
            hostNs = phone.namespace();

            assertThat(reaches(net, phone.namespace(), net.publicAddress())).as("through two NATs").isTrue();
            assertThat(reaches(net, laptop.namespace(), net.publicAddress())).isTrue();
            assertThat(home.publicAddress()).isEqualTo(carrier.wanAddress()).startsWith("203.0.113.");
            assertThat(reaches(net, net.publicNamespace(), phone.address())).as("no route into a LAN").isFalse();
            assertThat(reaches(net, laptop.namespace(), home.wanAddress())).as("another site's inner router")
                    .isFalse();
            assertThat(reaches(net, net.publicNamespace(), carrier.wanAddress())).as("a router's firewall")
                    .isFalse();
            assertThat(reaches(net, phone.namespace(), laptop.address())).as("another site's LAN").isFalse();
        }
        assertThat(NetworkNamespaces.list()).doesNotContain(publicNs, hostNs);
    }

    @Test
    void aRoutersWanGoesDownAndUpAndCanSwallowEverythingWhileUp() {
        try (NatTopology net = new NatTopology()) {
            NatTopology.Router home = net.router("home", NatTopology.Nat.EASY);
            NatTopology.Host laptop = net.host("laptop", home);
            assertThat(reaches(net, laptop.namespace(), net.publicAddress())).isTrue();

            home.setWan(false);
            assertThat(reaches(net, laptop.namespace(), net.publicAddress())).as("link down").isFalse();
            home.setWan(true);
            assertThat(reaches(net, laptop.namespace(), net.publicAddress())).as("link up again").isTrue();

            home.setBlackhole(true);
            assertThat(reaches(net, laptop.namespace(), net.publicAddress())).as("blackholed").isFalse();
            assertThat(reaches(net, laptop.namespace(), home.lanGateway())).as("the LAN still works").isTrue();
            home.setBlackhole(false);
            assertThat(reaches(net, laptop.namespace(), net.publicAddress())).isTrue();
        }
    }

    /** Up to three tries, so that a loaded machine's lost ARP exchange is not taken for no route. */
    private static boolean reaches(NatTopology net, String from, String address) {
        for (int i = 0; i < 3; i++) {
            if (net.namespaces().exec(from, "ping", "-c", "1", "-W", "1", address).succeeded()) {
                return true;
            }
        }
        return false;
    }
}
