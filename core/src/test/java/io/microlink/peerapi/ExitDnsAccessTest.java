package io.microlink.peerapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.microlink.control.wire.MapResponse;
import io.microlink.filter.PacketFilter;
import io.microlink.key.KeyKind;
import io.microlink.key.PrivateKey;
import io.microlink.netmap.Netmap;
import io.microlink.netmap.NetmapUpdater;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/**
 * Who may use this exit node's DNS: tailscaled's {@code replyToDNSQueries}. The exit node is
 * user 1; "mate" is user 1 too, "guest" user 2, "robot" a tagged node of user 1.
 */
class ExitDnsAccessTest {
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private static final InetAddress MATE = InetAddress.ofLiteral("100.64.0.2");
    private static final InetAddress GUEST = InetAddress.ofLiteral("100.64.0.3");
    private static final InetAddress GUEST6 = InetAddress.ofLiteral("fd7a:115c:a1e0::3");
    private static final InetAddress ROBOT = InetAddress.ofLiteral("100.64.0.4");
    /** The tailnet only: peers reach each other, not the internet. */
    private static final String TAILNET_ONLY = "[{'SrcIPs':['*'],'DstPorts':[{'IP':'100.64.0.0/10','Ports':{'First':0,'Last':65535}},"
            + "{'IP':'fd7a:115c:a1e0::/48','Ports':{'First':0,'Last':65535}}]}]";
    /** As headscale writes {@code "dst": ["*:*"]}. */
    private static final String EVERYTHING = "[{'SrcIPs':['*'],'DstPorts':[{'IP':'*','Ports':{'First':0,'Last':65535}}]}]";

    private static Netmap netmap(boolean selfTagged, String rules) {
        String json = "{'Node':{'ID':1,'Name':'exit.tailnet.test.','User':1,'Addresses':['100.64.0.1/32','fd7a:115c:a1e0::1/128']"
                + (selfTagged ? ",'Tags':['tag:exit']" : "") + "},'Peers':["
                + peer(2, "mate", 1, "'100.64.0.2/32'", "") + ","
                + peer(3, "guest", 2, "'100.64.0.3/32','fd7a:115c:a1e0::3/128'", "") + ","
                + peer(4, "robot", 1, "'100.64.0.4/32'", ",'Tags':['tag:robot']") + "],'PacketFilter':" + rules + "}";
        try {
            return NetmapUpdater.apply(NetmapUpdater.empty(), JSON.readValue(json.replace('\'', '"'), MapResponse.class))
                    .netmap();
        } catch (Exception e) {
            throw new IllegalStateException(json, e);
        }
    }

    private static String peer(int id, String name, int user, String addresses, String extra) {
        return "{'ID':" + id + ",'Name':'" + name + ".tailnet.test.','User':" + user + ",'Key':'"
                + PrivateKey.generate(KeyKind.NODE).publicKey() + "','Addresses':[" + addresses + "]" + extra + "}";
    }

    private static boolean allows(Netmap n, boolean offeringExit, InetAddress caller) {
        return ExitDnsAccess.allows(n, PacketFilter.from(n), offeringExit, caller);
    }

    @Test
    void aPeerOfTheSameUserMayAskWhateverTheRules() {
        assertThat(allows(netmap(false, TAILNET_ONLY), true, MATE)).isTrue();
        assertThat(allows(netmap(false, TAILNET_ONLY), false, MATE)).isTrue();
    }

    @Test
    void anotherUsersPeerMayAskOnlyWhenTheRulesLetItReachTheInternet() {
        assertThat(allows(netmap(false, EVERYTHING), true, GUEST)).isTrue();
        assertThat(allows(netmap(false, EVERYTHING), true, GUEST6)).as("probed at 2000::").isTrue();
        assertThat(allows(netmap(false, TAILNET_ONLY), true, GUEST)).isFalse();
        assertThat(allows(netmap(false, TAILNET_ONLY), true, GUEST6)).isFalse();
    }

    @Test
    void withoutOfferingAnExitNodeOnlyTheSameUserMayAsk() {
        assertThat(allows(netmap(false, EVERYTHING), false, GUEST)).isFalse();
    }

    @Test
    void taggedNodesAreNoOnesUserHere() {
        assertThat(allows(netmap(false, TAILNET_ONLY), true, ROBOT)).isFalse();
        assertThat(allows(netmap(true, TAILNET_ONLY), true, MATE)).isFalse();
        assertThat(allows(netmap(true, EVERYTHING), true, MATE)).isTrue();
    }

    @Test
    void anAddressNoPeerHasMayNotAsk() {
        assertThat(allows(netmap(false, EVERYTHING), true, InetAddress.ofLiteral("100.64.0.99"))).isFalse();
        assertThat(allows(NetmapUpdater.empty(), true, MATE)).isFalse();
    }
}
