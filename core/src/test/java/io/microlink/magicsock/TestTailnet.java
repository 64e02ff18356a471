package io.microlink.magicsock;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.microlink.control.wire.MapResponse;
import io.microlink.key.PublicKey;
import io.microlink.netmap.Netmap;
import io.microlink.netmap.NetmapUpdater;
import io.microlink.netmap.PeerExpiry;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.stream.Collectors;

/** Netmaps for magicsock's tests, from control's JSON as headscale writes it. */
final class TestTailnet {
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private TestTailnet() {}

    /** The tests' "now", and a clock that stays there: no peer of {@link #peer} expires. */
    static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    static PeerExpiry expiry() {
        return new PeerExpiry(InstantSource.fixed(NOW));
    }

    /** A peer {@code name.tailnet.test} at 100.64.0.{@code id}; a null disco key leaves it out. */
    static String peer(int id, String name, PublicKey nodeKey, PublicKey discoKey, int homeDerp, String... endpoints) {
        return peer(id, name, nodeKey, discoKey, homeDerp, null, endpoints);
    }

    /** The same, with a key that expires at {@code keyExpiry} (null: never). */
    static String peer(int id, String name, PublicKey nodeKey, PublicKey discoKey, int homeDerp, Instant keyExpiry,
                       String... endpoints) {
        String endpointList = Arrays.stream(endpoints).map(e -> "'" + e + "'").collect(Collectors.joining(","));
        return "{'ID':" + id + ",'Name':'" + name + ".tailnet.test.','Key':'" + nodeKey + "'"
                + (keyExpiry == null ? "" : ",'KeyExpiry':'" + keyExpiry + "'")
                + (discoKey == null ? "" : ",'DiscoKey':'" + discoKey + "'")
                + ",'Addresses':['100.64.0." + id + "/32'],'HomeDERP':" + homeDerp
                + ",'Endpoints':[" + endpointList + "]}";
    }

    /** {@code peer} with control's AllowedIPs: its own address and {@code routes} (approved routes). */
    static String routing(String peer, String... routes) {
        String own = peer.substring(peer.indexOf("'Addresses':[") + 13, peer.indexOf(']', peer.indexOf("'Addresses':[")));
        String list = Arrays.stream(routes).map(r -> "'" + r + "'").collect(Collectors.joining(","));
        return peer.substring(0, peer.length() - 1) + ",'AllowedIPs':[" + own + "," + list + "]}";
    }

    static Netmap netmap(String... peers) {
        String json = "{'Node':{'ID':1,'Name':'self.tailnet.test.','Addresses':['100.64.0.1/32']},"
                + "'Peers':[" + String.join(",", peers) + "]}";
        try {
            MapResponse response = JSON.readValue(json.replace('\'', '"'), MapResponse.class);
            return NetmapUpdater.apply(NetmapUpdater.empty(), response).netmap();
        } catch (Exception e) {
            throw new IllegalStateException(json, e);
        }
    }
}
