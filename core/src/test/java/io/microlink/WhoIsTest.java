package io.microlink;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.microlink.control.wire.MapResponse;
import io.microlink.key.KeyKind;
import io.microlink.key.PrivateKey;
import io.microlink.netmap.NetmapUpdater;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/** whois answers from a netmap written as headscale sends it: self of alice, a peer of bob, a tagged peer. */
class WhoIsTest {
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private static TailnetMap netmap() throws Exception {
        String json = "{'Node':{'ID':1,'Name':'self.tailnet.test.','User':1,'Key':'" + key() + "',"
                + "'Addresses':['100.64.0.1/32','fd7a:115c:a1e0::1/128']},"
                + "'Peers':[{'ID':2,'Name':'laptop.tailnet.test.','User':2,'Key':'" + key() + "',"
                + "'Addresses':['100.64.0.2/32','fd7a:115c:a1e0::2/128']},"
                + "{'ID':3,'Name':'server.tailnet.test.','User':9,'Tags':['tag:server'],'Key':'" + key() + "',"
                + "'Addresses':['100.64.0.3/32']}],"
                + "'UserProfiles':[{'ID':1,'LoginName':'alice@','DisplayName':'Alice'},"
                + "{'ID':2,'LoginName':'bob@example.com','DisplayName':'Bob B.'}]}";
        MapResponse response = JSON.readValue(json.replace('\'', '"'), MapResponse.class);
        return new TailnetMap(NetmapUpdater.apply(NetmapUpdater.empty(), response).netmap());
    }

    private static String key() {
        return PrivateKey.generate(KeyKind.NODE).publicKey().toString();
    }

    @Test
    void aPeerAddressNamesThePeerAndItsUserInEitherFamilyAndAnyTextForm() throws Exception {
        TailnetMap map = netmap();
        WhoIs bob = WhoIs.find(map, InetAddress.ofLiteral("100.64.0.2")).orElseThrow();
        assertThat(bob.name()).isEqualTo("laptop.tailnet.test");
        assertThat(bob.shortName()).isEqualTo("laptop");
        assertThat(bob.self()).isFalse();
        assertThat(bob.loginName()).isEqualTo("bob@example.com");
        assertThat(bob.displayName()).isEqualTo("Bob B.");
        assertThat(bob.addresses()).containsExactly(InetAddress.ofLiteral("100.64.0.2"),
                InetAddress.ofLiteral("fd7a:115c:a1e0::2"));
        // The uncompressed IPv6 form finds the same node.
        assertThat(WhoIs.find(map, InetAddress.ofLiteral("fd7a:115c:a1e0:0:0:0:0:2"))).contains(bob);
    }

    @Test
    void thisNodesOwnAddressIsAnsweredAsSelf() throws Exception {
        WhoIs me = WhoIs.find(netmap(), InetAddress.ofLiteral("fd7a:115c:a1e0::1")).orElseThrow();
        assertThat(me.self()).isTrue();
        assertThat(me.nodeId()).isEqualTo(1);
        assertThat(me.loginName()).isEqualTo("alice@");
    }

    @Test
    void aNodeWhoseUserHasNoProfileHasEmptyUserFieldsButItsTags() throws Exception {
        WhoIs server = WhoIs.find(netmap(), InetAddress.ofLiteral("100.64.0.3")).orElseThrow();
        assertThat(server.tags()).containsExactly("tag:server");
        assertThat(server.userId()).isEqualTo(9);
        assertThat(server.loginName()).isEmpty();
        assertThat(server.displayName()).isEmpty();
    }

    @Test
    void unknownAddressesAndAnEmptyNetmapAnswerNothing() throws Exception {
        assertThat(WhoIs.find(netmap(), InetAddress.ofLiteral("100.64.0.77"))).isEmpty();
        assertThat(WhoIs.find(netmap(), InetAddress.ofLiteral("127.0.0.1"))).isEmpty();
        assertThat(WhoIs.find(new TailnetMap(NetmapUpdater.empty()), InetAddress.ofLiteral("100.64.0.1"))).isEmpty();
    }
}
