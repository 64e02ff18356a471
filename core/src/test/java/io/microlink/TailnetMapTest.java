package io.microlink;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.microlink.control.wire.MapResponse;
import io.microlink.key.KeyKind;
import io.microlink.key.PrivateKey;
import io.microlink.key.PublicKey;
import io.microlink.netmap.Netmap;
import io.microlink.netmap.NetmapUpdater;
import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The public model over netmaps written as headscale sends them: self of alice; laptop of bob,
 * online; a tagged server, offline, whose user sent no profile and whose home region comes in
 * the legacy DERP field; and a printer about which control says little.
 */
class TailnetMapTest {
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private static final PublicKey SELF_KEY = key();
    private static final PublicKey LAPTOP_KEY = key();
    private static final PublicKey SERVER_KEY = key();
    private static final PublicKey PRINTER_KEY = key();

    private static PublicKey key() {
        return PrivateKey.generate(KeyKind.NODE).publicKey();
    }

    private static MapResponse msg(String json) throws Exception {
        return JSON.readValue(json.replace('\'', '"'), MapResponse.class);
    }

    private static Netmap netmap() throws Exception {
        return NetmapUpdater.apply(NetmapUpdater.empty(), msg("{'Node':{'ID':1,'Name':'self.tailnet.test.','User':1,"
                + "'Key':'" + SELF_KEY + "','Addresses':['100.64.0.1/32','fd7a:115c:a1e0::1/128'],'HomeDERP':999,"
                + "'Hostinfo':{'OS':'linux','Hostname':'self-box'}},"
                + "'Peers':[" + laptop("'Online':true") + ","
                + "{'ID':3,'Name':'server.tailnet.test.','User':9,'Tags':['tag:server','tag:db'],'Key':'" + SERVER_KEY
                + "','Addresses':['100.64.0.3/32','fd7a:115c:a1e0::3/128'],'DERP':'127.3.3.40:7','Online':false,"
                + "'LastSeen':'2026-12-01T10:00:00Z','KeyExpiry':'0001-01-01T00:00:00Z','Expired':false},"
                + "{'ID':4,'Name':'printer.tailnet.test.','User':2,'Key':'" + PRINTER_KEY + "',"
                + "'Addresses':['100.64.0.4/32'],'KeyExpiry':'2026-01-01T00:00:00Z','Expired':true}],"
                + "'UserProfiles':[{'ID':1,'LoginName':'alice@example.com','DisplayName':'Alice'},"
                + "{'ID':2,'LoginName':'bob@example.com','DisplayName':'Bob'}],"
                + "'DERPMap':{'Regions':{'999':{'RegionID':999,'RegionCode':'headscale','RegionName':'Headscale Embedded'},"
                + "'7':{'RegionID':7,'RegionCode':'fra','RegionName':'Frankfurt'},'12':{'RegionID':12}}}}")).netmap();
    }

    private static String laptop(String more) {
        return "{'ID':2,'Name':'Laptop.tailnet.test.','User':2,'Key':'" + LAPTOP_KEY + "',"
                + "'Addresses':['100.64.0.2/32','fd7a:115c:a1e0::2/128'],'HomeDERP':999,"
                + "'Hostinfo':{'OS':'macOS','Hostname':'bobs-mbp'},'LastSeen':'2026-12-02T08:30:00Z',"
                + "'KeyExpiry':'2027-06-01T00:00:00Z'," + more + "}";
    }

    @Test
    void aPeerCarriesWhatControlSaidAboutIt() throws Exception {
        Peer laptop = new TailnetMap(netmap()).find("laptop").orElseThrow();
        assertThat(laptop).isEqualTo(new Peer(2, "Laptop.tailnet.test", "Laptop", LAPTOP_KEY,
                List.of(InetAddress.ofLiteral("100.64.0.2"), InetAddress.ofLiteral("fd7a:115c:a1e0::2")), "macOS",
                "bobs-mbp", Optional.of(true), Optional.of(Instant.parse("2026-12-02T08:30:00Z")),
                Optional.of(Instant.parse("2027-06-01T00:00:00Z")), false, List.of(), 999, 2, "bob@example.com",
                List.of(), List.of(), false));
    }

    @Test
    void taggedNodesLegacyHomeRegionsAndKeysThatNeverExpire() throws Exception {
        Peer server = new TailnetMap(netmap()).find("server").orElseThrow();
        assertThat(server.tags()).containsExactly("tag:server", "tag:db");
        assertThat(server.homeDerpRegion()).isEqualTo(7);
        assertThat(server.online()).contains(false);
        assertThat(server.lastSeen()).contains(Instant.parse("2026-12-01T10:00:00Z"));
        assertThat(server.keyExpiry()).as("Go's zero time is no expiry").isEmpty();
        assertThat(server.userId()).isEqualTo(9);
        assertThat(server.loginName()).as("no profile for user 9").isEmpty();
    }

    @Test
    void aPeersApprovedRoutesPrimaryRoutesAndExitOfferAsHeadscaleSendsThem() throws Exception {
        Netmap map = NetmapUpdater.apply(netmap(), msg("{'PeersChanged':[" + laptop("'AllowedIPs':['100.64.0.2/32',"
                + "'fd7a:115c:a1e0::2/128','10.77.0.0/24','0.0.0.0/0','::/0'],'PrimaryRoutes':['10.77.0.0/24']")
                + "]}")).netmap();
        Peer laptop = new TailnetMap(map).find("laptop").orElseThrow();
        assertThat(laptop.routes()).containsExactly("10.77.0.0/24");
        assertThat(laptop.primaryRoutes()).containsExactly("10.77.0.0/24");
        assertThat(laptop.exitNode()).isTrue();
        assertThat(new TailnetMap(map).find("server").orElseThrow().exitNode()).isFalse();
    }

    @Test
    void whatControlLeavesOutIsEmptyNotNull() throws Exception {
        Peer printer = new TailnetMap(netmap()).find("printer").orElseThrow();
        assertThat(printer.os()).isEmpty();
        assertThat(printer.hostname()).isEmpty();
        assertThat(printer.online()).isEmpty();
        assertThat(printer.lastSeen()).isEmpty();
        assertThat(printer.tags()).isEmpty();
        assertThat(printer.homeDerpRegion()).isZero();
        assertThat(printer.expired()).isTrue();
        assertThat(printer.keyExpiry()).contains(Instant.parse("2026-01-01T00:00:00Z"));
    }

    @Test
    void aPeerWhoseKeyExpiryHasPassedIsExpiredThoughControlHasNotSaidSoYet() throws Exception {
        Netmap map = NetmapUpdater.apply(NetmapUpdater.empty(), msg("{'Node':{'ID':1,'Name':'self.tailnet.test.',"
                + "'Key':'" + SELF_KEY + "'},'Peers':[{'ID':5,'Name':'old.tailnet.test.','Key':'" + SERVER_KEY + "',"
                + "'KeyExpiry':'2001-01-01T00:00:00Z','Expired':false},{'ID':6,'Name':'new.tailnet.test.','Key':'"
                + PRINTER_KEY + "','KeyExpiry':'2999-01-01T00:00:00Z','Expired':false}]}")).netmap();

        TailnetMap tailnet = new TailnetMap(map);

        assertThat(tailnet.find("old").orElseThrow().expired()).as("listed, and marked").isTrue();
        assertThat(tailnet.find("new").orElseThrow().expired()).isFalse();
    }

    @Test
    void selfIsThisNodeAndNeverAPeer() throws Exception {
        TailnetMap map = new TailnetMap(netmap());
        Peer self = map.self().orElseThrow();
        assertThat(self.fqdn()).isEqualTo("self.tailnet.test");
        assertThat(self.nodeKey()).isEqualTo(SELF_KEY);
        assertThat(self.loginName()).isEqualTo("alice@example.com");
        assertThat(self.hostname()).isEqualTo("self-box");
        assertThat(map.peers()).extracting(Peer::id).containsExactly(2L, 3L, 4L);
        assertThat(map.find("self")).isEmpty();
        assertThat(map.find("100.64.0.1")).isEmpty();
        assertThat(map.find(SELF_KEY.toString())).isEmpty();
    }

    @Test
    void oneLookupTakesNamesAddressesAndNodeKeys() throws Exception {
        TailnetMap map = new TailnetMap(netmap());
        Peer laptop = map.peers().iterator().next();
        for (String form : List.of("laptop", "LAPTOP", "laptop.tailnet.test", "Laptop.tailnet.test.", "100.64.0.2",
                "fd7a:115c:a1e0::2", LAPTOP_KEY.toString())) {
            assertThat(map.find(form)).as(form).contains(laptop);
        }
        for (String unknown : List.of("desktop", "laptop.other.test", "100.64.0.99", key().toString(), "")) {
            assertThat(map.find(unknown)).as(unknown).isEmpty();
        }
    }

    @Test
    void peersAreAViewMadeWhenAskedFor() throws Exception {
        TailnetMap map = new TailnetMap(netmap());
        assertThat(map.peers()).hasSize(3);
        assertThat(List.copyOf(map.peers())).isEqualTo(List.copyOf(map.peers()));
        assertThat(map.peers().stream().filter(p -> p.online().orElse(false)).map(Peer::shortName))
                .containsExactly("Laptop");
    }

    @Test
    void theMagicDnsSuffixAndTheDerpRegions() throws Exception {
        TailnetMap map = new TailnetMap(netmap());
        assertThat(map.magicDnsSuffix()).contains("tailnet.test");
        assertThat(map.derpRegions()).containsExactly(new DerpRegion(7, "fra", "Frankfurt"),
                new DerpRegion(12, "12", ""), new DerpRegion(999, "headscale", "Headscale Embedded"));
        assertThat(map.derpRegion(map.find("server").orElseThrow().homeDerpRegion()))
                .contains(new DerpRegion(7, "fra", "Frankfurt"));
        assertThat(map.derpRegion(1)).isEmpty();
    }

    @Test
    void beforeTheFirstMapTheTailnetIsEmpty() {
        TailnetMap map = new TailnetMap(NetmapUpdater.empty());
        assertThat(map.self()).isEmpty();
        assertThat(map.peers()).isEmpty();
        assertThat(map.find("laptop")).isEmpty();
        assertThat(map.magicDnsSuffix()).isEmpty();
        assertThat(map.derpRegions()).isEmpty();
    }

    @Test
    void peerEventsCarryThePeerBeforeAndAfter() throws Exception {
        Netmap before = netmap();
        NetmapUpdater.Result r = NetmapUpdater.apply(before, msg("{'PeersChanged':[" + laptop("'Online':false")
                + "],'PeersRemoved':[4]}"));
        TailnetMap after = new TailnetMap(r.netmap());
        List<PeerEvent> events = r.events().stream().map(after::event).toList();
        assertThat(events).extracting(PeerEvent::kind).containsExactly(PeerEvent.Kind.REMOVED, PeerEvent.Kind.OFFLINE);
        PeerEvent removed = events.get(0);
        assertThat(removed.peer().shortName()).isEqualTo("printer");
        PeerEvent offline = events.get(1);
        assertThat(offline.peer().online()).contains(false);
        assertThat(offline.previous().orElseThrow().online()).contains(true);
        assertThat(offline.peer()).isEqualTo(after.find("laptop").orElseThrow());

        PeerEvent added = NetmapUpdater.apply(NetmapUpdater.empty(), msg("{'Peers':[" + laptop("'Online':true")
                + "]}")).events().stream().map(after::event).findFirst().orElseThrow();
        assertThat(added.kind()).isEqualTo(PeerEvent.Kind.ADDED);
        assertThat(added.previous()).isEmpty();
    }
}
