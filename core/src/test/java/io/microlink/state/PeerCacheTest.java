package io.microlink.state;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.microlink.control.wire.MapResponse;
import io.microlink.control.wire.Node;
import io.microlink.key.KeyKind;
import io.microlink.key.PrivateKey;
import io.microlink.key.PublicKey;
import io.microlink.netmap.Netmap;
import io.microlink.netmap.NetmapUpdater;
import io.microlink.netmap.PeerExpiry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PeerCacheTest {
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private static final String CONTROL = "http://127.0.0.1:8080";

    @TempDir
    Path dir;

    private final NodeIdentity identity = new NodeIdentity(CONTROL, PrivateKey.generate(KeyKind.MACHINE),
            PrivateKey.generate(KeyKind.NODE), true);
    private final List<PublicKey> keys = new ArrayList<>();
    private final List<LogRecord> logged = new ArrayList<>();
    private final Logger log = Logger.getLogger("io.microlink.state");
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            logged.add(r);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    @BeforeEach
    void listen() {
        for (int i = 0; i < 5; i++) {
            keys.add(PrivateKey.generate(KeyKind.NODE).publicKey());
        }
        log.addHandler(capture);
    }

    @AfterEach
    void stopListening() {
        log.removeHandler(capture);
    }

    private final Map<Long, Instant> expiries = new HashMap<>();

    /** Peer {@code id} (2-4) as headscale describes it; its node key is {@code keys[id]}, expiring at {@code expiries[id]}. */
    private String peer(long id, String endpoint) {
        return ("{'ID':%d,'Name':'ts%d.tailnet.test.','Key':'%s',".formatted(id, id, keys.get((int) id))
                + (expiries.containsKey(id) ? "'KeyExpiry':'" + expiries.get(id) + "'," : "")
                + "'DiscoKey':'%s','Addresses':['100.64.0.%d/32',"
                + "'fd7a:115c:a1e0::%d/128'],'AllowedIPs':['100.64.0.%d/32','fd7a:115c:a1e0::%d/128'],"
                + "'Endpoints':['%s'],'HomeDERP':999,'Online':true,'Hostinfo':{'Hostname':'ts%d'}}")
                .formatted(PrivateKey.generate(KeyKind.DISCO).publicKey(), id, id, id, id, endpoint, id);
    }

    private Netmap netmap(long... peerIds) throws Exception {
        StringBuilder peers = new StringBuilder();
        for (long id : peerIds) {
            peers.append(peers.isEmpty() ? "" : ",").append(peer(id, "127.0.0.1:4164" + id));
        }
        String self = ("{'ID':1,'Name':'java.tailnet.test.','Key':'%s','Addresses':['100.64.0.1/32',"
                + "'fd7a:115c:a1e0::1/128'],'HomeDERP':999}").formatted(identity.nodeKey().publicKey());
        String map = "{'Node':" + self + ",'Peers':[" + peers + "],'PacketFilters':{'base':[{'SrcIPs':['*'],"
                + "'DstPorts':[{'IP':'*','Ports':{'First':0,'Last':65535}}]}]},'DERPMap':{'Regions':{'999':"
                + "{'RegionID':999,'RegionCode':'headscale','Nodes':[{'Name':'999','RegionID':999,"
                + "'HostName':'127.0.0.1','IPv4':'127.0.0.1','STUNPort':3478,'DERPPort':8080}]}}}}";
        return NetmapUpdater.apply(NetmapUpdater.empty(), JSON.readValue(map.replace('\'', '"'), MapResponse.class))
                .netmap();
    }

    private PeerCache load(int capacity) {
        return PeerCache.load(dir, capacity, identity);
    }

    private static List<Long> ids(List<Node> nodes) {
        return nodes.stream().map(Node::id).toList();
    }

    @Test
    void usedPeersComeFirstAndTheLeastRecentlyUsedDropOutBeyondTheBound() throws Exception {
        Netmap map = netmap(2, 3, 4);
        PeerCache cache = load(2);
        cache.observe(map, List.of(keys.get(2)), 0);
        cache.observe(map, List.of(keys.get(3)), 0);
        assertThat(ids(cache.peers())).containsExactly(3L, 2L);
        cache.observe(map, List.of(keys.get(4)), 0);
        assertThat(ids(cache.peers())).containsExactly(4L, 3L); // 2 was the least recently used
        cache.observe(map, List.of(keys.get(3)), 0);
        assertThat(ids(cache.peers())).containsExactly(3L, 4L);
        cache.observe(map, List.of(), 0);
        assertThat(ids(cache.peers())).containsExactly(3L, 4L); // a look without traffic changes no order
    }

    @Test
    void aRestartSeedsTheNetmapWithTheCachedPeersRelaysAndOwnAddresses() throws Exception {
        Netmap map = netmap(2, 3, 4);
        PeerCache first = load(32);
        first.observe(map, List.of(keys.get(4), keys.get(2)), 41641);
        first.observe(map, List.of(), 0); // not bound yet: the port stays
        assertThat(first.save()).isTrue();

        PeerCache again = load(32);
        assertThat(again.discoKey()).isEqualTo(first.discoKey()); // peers recognise this node's DISCO at once
        assertThat(again.udpPort()).isEqualTo(41641); // and still send to the address they proved
        assertThat(ids(again.peers())).isEqualTo(ids(first.peers()));
        Netmap seed = again.seed().orElseThrow();
        assertThat(seed.self().orElseThrow().addresses()).containsExactly("100.64.0.1/32", "fd7a:115c:a1e0::1/128");
        assertThat(seed.derpMap()).isEqualTo(map.derpMap());
        assertThat(seed.peers()).extracting(Node::id).containsExactlyInAnyOrder(2L, 4L);
        for (long id : List.of(2L, 4L)) {
            Node cached = seed.peer(id).orElseThrow();
            Node real = map.peer(id).orElseThrow();
            assertThat(cached.key()).isEqualTo(real.key());
            assertThat(cached.discoKey()).isEqualTo(real.discoKey());
            assertThat(cached.addresses()).isEqualTo(real.addresses());
            assertThat(cached.allowedIps()).isEqualTo(real.allowedIps());
            assertThat(cached.endpoints()).isEqualTo(real.endpoints());
            assertThat(cached.homeRegion()).isEqualTo(999);
        }
        assertThat(seed.resolve("ts2")).isPresent();
        assertThat(seed.packetFilter()).isEmpty(); // no stale rules: only replies get in until control answers
    }

    @Test
    void cachedPeersKeepTheirKeyExpirySoOnesThatExpiredSinceAreNotReached() throws Exception {
        Instant now = Instant.parse("2026-03-01T12:00:00Z");
        expiries.put(2L, now.plusSeconds(3600));
        expiries.put(3L, now.minusSeconds(1));
        Netmap map = netmap(2, 3, 4);
        PeerCache first = load(32);
        first.observe(map, List.of(keys.get(2), keys.get(3), keys.get(4)), 41641);
        assertThat(first.save()).isTrue();

        Netmap seed = load(32).seed().orElseThrow();

        assertThat(seed.peer(2).orElseThrow().keyExpiry()).isEqualTo(now.plusSeconds(3600));
        assertThat(PeerExpiry.expiredAt(seed.peer(2).orElseThrow(), now)).isFalse();
        assertThat(PeerExpiry.expiredAt(seed.peer(2).orElseThrow(), now.plusSeconds(3600))).isTrue();
        assertThat(PeerExpiry.expiredAt(seed.peer(3).orElseThrow(), now)).isTrue();
        assertThat(PeerExpiry.expiredAt(seed.peer(4).orElseThrow(), now)).as("no expiry: never").isFalse();
    }

    @Test
    void theFileIsOwnerOnlyWrittenWithoutLeftoversAndOnlyWhenSomethingChanged() throws Exception {
        Netmap map = netmap(2, 3);
        PeerCache cache = load(32);
        assertThat(cache.save()).as("nothing known yet").isFalse();
        cache.observe(map, List.of(keys.get(2)), 0);
        assertThat(cache.save()).isTrue();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(cache.file()))).isEqualTo("rw-------");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("peers.json");
        }
        cache.observe(map, List.of(keys.get(2)), 0);
        assertThat(cache.save()).as("same content").isFalse();
        cache.observe(map, List.of(keys.get(3)), 0);
        assertThat(cache.save()).as("new order").isTrue();
        assertThat(load(32).save()).as("a loaded cache is what the file holds").isFalse();
    }

    @Test
    void theNetmapRefreshesCachedPeersAndAPeerThatLeftIsDropped() throws Exception {
        PeerCache cache = load(32);
        cache.observe(netmap(2, 3), List.of(keys.get(2), keys.get(3)), 0);
        Netmap later = NetmapUpdater.apply(netmap(2), JSON.readValue(("{'PeersChanged':[" + peer(2, "127.0.0.1:9")
                + "]}").replace('\'', '"'), MapResponse.class)).netmap();
        cache.observe(later, List.of(), 0);
        assertThat(ids(cache.peers())).containsExactly(2L);
        assertThat(cache.peers().getFirst().endpoints()).containsExactly("127.0.0.1:9");
    }

    @Test
    void aCorruptFileIsIgnoredWithOneWarningThatQuotesNoKeyAndIsRewritten() throws Exception {
        PeerCache good = load(32);
        good.observe(netmap(2), List.of(keys.get(2)), 0);
        good.save();
        byte[] valid = Files.readAllBytes(good.file());
        String text = new String(valid, StandardCharsets.UTF_8);
        int field = text.indexOf("\"discoPrivateKey\"");
        int secret = text.indexOf('"', field + "\"discoPrivateKey\"".length()) + 1;
        // Torn in the middle of the private key, and the key left unquoted so a parser would name it.
        Files.writeString(good.file(), text.substring(0, secret - 1) + text.substring(secret, secret + 40));

        PeerCache cache = load(32);
        assertThat(cache.seed()).isEmpty();
        assertThat(cache.discoKey()).isNotEqualTo(good.discoKey());
        assertThat(logged).hasSize(1);
        assertThat(logged.getFirst().getLevel()).isEqualTo(Level.WARNING);
        assertThat(logged.getFirst().getMessage()).contains("peers.json", "corrupt", "rewritten")
                .doesNotContain(text.substring(secret, secret + 16));

        cache.observe(netmap(3), List.of(keys.get(3)), 0);
        assertThat(cache.save()).isTrue();
        assertThat(ids(load(32).peers())).containsExactly(3L);

        Files.write(good.file(), Arrays.copyOf(valid, 0));
        assertThat(load(32).seed()).isEmpty();
        Files.writeString(good.file(), "{\"format\":1,\"controlUrl\":\"" + CONTROL + "\",\"discoPrivateKey\":\"nonsense\"}");
        assertThat(load(32).seed()).isEmpty();
        assertThat(logged).hasSize(3).allMatch(r -> r.getLevel() == Level.WARNING);
    }

    @Test
    void aCacheOfAnotherNodeKeyOrControlServerIsNotUsed() throws Exception {
        PeerCache cache = load(32);
        cache.observe(netmap(2), List.of(keys.get(2)), 0);
        cache.save();
        NodeIdentity rotated = identity.withNodeKey(PrivateKey.generate(KeyKind.NODE), true);
        assertThat(PeerCache.load(dir, 32, rotated).seed()).isEmpty();
        NodeIdentity elsewhere = new NodeIdentity("http://127.0.0.1:9999", identity.machineKey(), identity.nodeKey(),
                true);
        assertThat(PeerCache.load(dir, 32, elsewhere).seed()).isEmpty();
        assertThat(load(32).seed()).isPresent();
    }

    @Test
    void theKeeperCountsAPeerAsUsedWhenItSentTrafficAndWritesOnClose() throws Exception {
        Netmap map = netmap(2, 3, 4);
        PeerCache cache = load(32);
        Map<PublicKey, Long> received = new ConcurrentHashMap<>(Map.of(keys.get(2), 0L, keys.get(3), 500L));
        PeerCacheKeeper keeper = PeerCacheKeeper.start(cache, () -> map, () -> Map.copyOf(received), () -> 41641);
        received.put(keys.get(4), 80L); // 4 starts talking too; 2 never sent anything
        keeper.close();
        keeper.close(); // idempotent

        PeerCache written = load(32);
        assertThat(ids(written.peers())).containsExactlyInAnyOrder(3L, 4L);
        assertThat(written.udpPort()).isEqualTo(41641);
    }

    @Test
    void sizeZeroTurnsTheCacheOffAndDeletesAnOldFile() throws Exception {
        PeerCache cache = load(32);
        cache.observe(netmap(2), List.of(keys.get(2)), 0);
        cache.save();
        PeerCache off = load(0);
        assertThat(Files.exists(cache.file())).isFalse();
        off.observe(netmap(2), List.of(keys.get(2)), 0);
        assertThat(off.save()).isFalse();
        assertThat(off.seed()).isEmpty();
        assertThat(Files.exists(cache.file())).isFalse();
    }
}
