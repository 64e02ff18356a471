package io.microlink.netmap;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.microlink.PeerEvent.Kind;
import io.microlink.control.wire.MapResponse;
import io.microlink.control.wire.Hostinfo;
import io.microlink.control.wire.Node;
import io.microlink.key.KeyKind;
import io.microlink.key.PrivateKey;
import io.microlink.key.PublicKey;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Map messages written as headscale sends them (JSON), applied one after another. */
class NetmapUpdaterTest {
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private static final String KEY2 = PrivateKey.generate(KeyKind.NODE).publicKey().toString();

    private static MapResponse msg(String json) throws Exception {
        return JSON.readValue(json.replace('\'', '"'), MapResponse.class);
    }

    private static String peer(long id, String name, String key, boolean online) {
        return ("{'ID':%d,'Name':'%s.tailnet.test.','Key':'%s','Addresses':['100.64.0.%d/32','fd7a:115c:a1e0::%d/128'],"
                + "'HomeDERP':999,'Online':%s,'Hostinfo':{'Hostname':'%s'}}").formatted(id, name, key, id, id, online, name);
    }

    /** A peer as tailscaled describes itself to control, with fields the node never reads. */
    private static String verbosePeer(long id) {
        return ("{'ID':%d,'StableID':'nSTABLE%d','Name':'p%d.tailnet.test.','Key':'%s','Machine':'mkey:%s',"
                + "'Addresses':['100.64.0.%d/32'],'DERP':'127.3.3.40:999','Tags':['tag:server'],'Capabilities':['funnel'],"
                + "'CapMap':{'https://tailscale.com/cap/file-sharing':null},"
                + "'Hostinfo':{'OS':'linux','OSVersion':'6.1','Hostname':'box','GoArch':'amd64','IPNVersion':'1.102.3',"
                + "'NetInfo':{'PreferredDERP':999,'DERPLatency':{'999-v4':0.01}},"
                + "'Services':[{'Proto':'peerapi4','Port':4242}]}}").formatted(id, id, id,
                PrivateKey.generate(KeyKind.NODE).publicKey(), "ab".repeat(32), id);
    }

    private Netmap full() throws Exception {
        String first = "{'Node':" + peer(1, "self", PrivateKey.generate(KeyKind.NODE).publicKey().toString(), true)
                + ",'Peers':[" + peer(2, "ts2", KEY2, true) + "," + peer(3, "ts3", PrivateKey.generate(KeyKind.NODE)
                .publicKey().toString(), false) + "],'PacketFilters':{'base':[{'SrcIPs':['*'],'DstPorts':[{'IP':'*',"
                + "'Ports':{'First':0,'Last':65535}}]}]},'UserProfiles':[{'ID':1,'LoginName':'alice'}],"
                + "'Domain':'127.0.0.1','DERPMap':{'Regions':{'999':{'RegionID':999,'RegionCode':'headscale',"
                + "'Nodes':[{'Name':'999','RegionID':999,'HostName':'127.0.0.1','IPv4':'127.0.0.1','DERPPort':8080}]}}}}";
        NetmapUpdater.Result r = NetmapUpdater.apply(NetmapUpdater.empty(), msg(first));
        assertThat(r.events()).extracting(PeerUpdate::kind).containsExactly(Kind.ADDED, Kind.ADDED);
        return r.netmap();
    }

    @Test
    void peersWithoutAUsableNodeKeyAreLeftOutNotTheMap() throws Exception {
        Netmap m = full();
        String noKey = peer(5, "nokey", "x", true).replace("'Key':'x',", "");
        NetmapUpdater.Result r = NetmapUpdater.apply(m, msg("{'PeersChanged':[" + noKey + ","
                + peer(6, "badkey", "nodekey:zz", true) + "," + peer(7, "ts7", KEY2, true) + "]}"));
        assertThat(r.netmap().peers()).extracting(n -> n.id()).containsExactly(2L, 3L, 7L);
        // A patch that breaks a known peer's key takes that peer out, as a removal.
        r = NetmapUpdater.apply(r.netmap(), msg("{'PeersChangedPatch':[{'NodeID':7,'Key':'nodekey:zz'}]}"));
        assertThat(r.netmap().peers()).extracting(n -> n.id()).containsExactly(2L, 3L);
        assertThat(r.events()).extracting(PeerUpdate::kind).containsExactly(Kind.REMOVED);
    }

    @Test
    void aPeerWhoseAllowedIpsAreItsAddressesHoldsOneListOfThem() throws Exception {
        String routed = peer(4, "router", PrivateKey.generate(KeyKind.NODE).publicKey().toString(), true)
                .replace("'HomeDERP'", "'AllowedIPs':['100.64.0.4/32','fd7a:115c:a1e0::4/128','10.0.0.0/24'],'HomeDERP'");
        String plain = peer(5, "plain", PrivateKey.generate(KeyKind.NODE).publicKey().toString(), true)
                .replace("'HomeDERP'", "'AllowedIPs':['100.64.0.5/32','fd7a:115c:a1e0::5/128'],'HomeDERP'");
        Netmap m = NetmapUpdater.apply(full(), msg("{'PeersChanged':[" + routed + "," + plain + "]}")).netmap();

        Node p = m.peer(5).orElseThrow();
        assertThat(p.allowedIps()).isSameAs(p.addresses()).containsExactly("100.64.0.5/32", "fd7a:115c:a1e0::5/128");
        assertThat(m.peer(4).orElseThrow().allowedIps()).endsWith("10.0.0.0/24");
    }

    @Test
    void aPeerKeepsOnlyWhatTheNodeReadsWithRepeatedStringsShared() throws Exception {
        Netmap m = NetmapUpdater.apply(full(), msg("{'PeersChanged':[" + verbosePeer(4) + "," + verbosePeer(5) + "]}"))
                .netmap();

        Node p = m.peer(4).orElseThrow();
        Node q = m.peer(5).orElseThrow();
        assertThat(p.stableId()).isNull();
        assertThat(p.machine()).isNull();
        assertThat(p.capMap()).isNull();
        assertThat(p.capabilities()).isNull();
        assertThat(p.derp()).as("the legacy field, read into the home region").isNull();
        assertThat(p.homeRegion()).isEqualTo(999);
        assertThat(p.hostinfo()).isEqualTo(new Hostinfo(null, "linux", null, "box", null, null, null, null,
                List.of(new Hostinfo.Service("peerapi4", 4242))));
        assertThat(p.hostinfo().os()).isSameAs(q.hostinfo().os());
        assertThat(p.tags().getFirst()).isSameAs(q.tags().getFirst());
    }

    @Test
    void aFullMapIsIndexedByKeyAddressAndName() throws Exception {
        Netmap m = full();
        assertThat(m.self().orElseThrow().id()).isEqualTo(1);
        assertThat(m.peers()).extracting(n -> n.id()).containsExactly(2L, 3L);
        assertThat(m.resolve("ts2")).isEqualTo(m.resolve("TS2.tailnet.test.")).isEqualTo(m.resolve("ts2.tailnet.test"));
        assertThat(m.peerByNodeKey(PublicKey.parse(KEY2))).isEqualTo(m.peer(2));
        assertThat(m.peerByAddress("fd7a:115c:a1e0::2")).isEqualTo(m.peer(2));
        assertThat(m.packetFilter()).hasSize(1);
        assertThat(m.derpMap().orElseThrow().regions().get(999).regionCode()).isEqualTo("headscale");
        assertThat(m.user(1).orElseThrow().loginName()).isEqualTo("alice");
    }

    @Test
    void deltasAddChangeAndRemovePeersWithEvents() throws Exception {
        Netmap m = full();
        NetmapUpdater.Result r = NetmapUpdater.apply(m, msg("{'PeersChanged':[" + peer(4, "ts4", KEY2, true)
                + "],'PeersRemoved':[3]}"));
        assertThat(r.netmap().peers()).extracting(n -> n.id()).containsExactly(2L, 4L);
        assertThat(r.events()).extracting(PeerUpdate::kind).containsExactlyInAnyOrder(Kind.ADDED,
                Kind.REMOVED);
        assertThat(m.peers()).hasSize(2); // the old snapshot is untouched
    }

    @Test
    void aPeerRemovedAndChangedInOneMessageStaysAsTailscaleKeepsIt() throws Exception {
        NetmapUpdater.Result r = NetmapUpdater.apply(full(), msg("{'PeersRemoved':[2],'PeersChanged':["
                + peer(2, "ts2", KEY2, false) + "]}"));
        assertThat(r.netmap().peer(2)).isPresent();
        assertThat(r.events()).extracting(PeerUpdate::kind).containsExactly(Kind.OFFLINE);
    }

    @Test
    void aPatchChangesOnlyWhatItNamesAndKeepsAbsentFieldsAbsent() throws Exception {
        Netmap m = full(); // peers have no Endpoints, DiscoKey or LastSeen at all
        NetmapUpdater.Result r = NetmapUpdater.apply(m, msg("{'PeersChangedPatch':[{'NodeID':2,'Online':false},"
                + "{'NodeID':3,'DERPRegion':7,'Endpoints':['127.0.0.1:41641']},{'NodeID':99,'Online':true}]}"));
        var two = r.netmap().peer(2).orElseThrow();
        var three = r.netmap().peer(3).orElseThrow();
        assertThat(two.online()).isFalse();
        assertThat(two.endpoints()).isNull();
        assertThat(two.key()).isEqualTo(KEY2);
        assertThat(three.homeRegion()).isEqualTo(7);
        assertThat(three.endpoints()).containsExactly("127.0.0.1:41641");
        assertThat(r.events()).extracting(PeerUpdate::kind).containsExactly(Kind.OFFLINE, Kind.CHANGED);
    }

    @Test
    void onlineAndSeenChangesFlipState() throws Exception {
        Netmap m = full();
        NetmapUpdater.Result r = NetmapUpdater.apply(m, msg("{'OnlineChange':{'3':true},'PeerSeenChange':{'2':true},"
                + "'ControlTime':'2026-11-21T20:00:00Z'}"));
        assertThat(r.netmap().peer(3).orElseThrow().online()).isTrue();
        assertThat(r.netmap().peer(2).orElseThrow().lastSeen()).isEqualTo(Instant.parse("2026-11-21T20:00:00Z"));
        assertThat(r.events()).extracting(PeerUpdate::kind).contains(Kind.ONLINE);
    }

    @Test
    void packetFiltersPatchByNameAndStarClearsAll() throws Exception {
        Netmap m = full();
        Netmap added = NetmapUpdater.apply(m, msg("{'PacketFilters':{'extra':[{'SrcIPs':['100.64.0.2'],"
                + "'DstPorts':[{'IP':'*','Ports':{'First':22,'Last':22}}]}]}}")).netmap();
        assertThat(added.packetFilter()).hasSize(2);
        assertThat(added.packetFilter().get(1).dstPorts().getFirst().ports().first()).isEqualTo(22);
        Netmap cleared = NetmapUpdater.apply(added, msg("{'PacketFilters':{'*':null}}")).netmap();
        assertThat(cleared.packetFilter()).isEmpty();
        Netmap legacy = NetmapUpdater.apply(cleared, msg("{'PacketFilter':[{'SrcIPs':['*']}]}")).netmap();
        assertThat(legacy.packetFilter()).hasSize(1);
    }

    @Test
    void aFullPeerListReplacesTheOldOneAndAKeepAliveChangesNothing() throws Exception {
        Netmap m = full();
        NetmapUpdater.Result r = NetmapUpdater.apply(m, msg("{'Peers':[" + peer(2, "ts2", KEY2, true) + "]}"));
        assertThat(r.netmap().peers()).extracting(n -> n.id()).containsExactly(2L);
        assertThat(r.events()).extracting(PeerUpdate::kind).containsExactly(Kind.REMOVED);
        assertThat(NetmapUpdater.apply(m, msg("{'KeepAlive':true}")).netmap()).isSameAs(m);
        assertThat(r.netmap().domain()).contains("127.0.0.1");
        assertThat(List.copyOf(r.netmap().peers()).getFirst().homeRegion()).isEqualTo(999);
    }
}
