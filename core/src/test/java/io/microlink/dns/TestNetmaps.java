package io.microlink.dns;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.microlink.control.wire.MapResponse;
import io.microlink.key.KeyKind;
import io.microlink.key.PrivateKey;
import io.microlink.netmap.Netmap;
import io.microlink.netmap.NetmapUpdater;

/**
 * Netmaps from map responses written as headscale sends them: self "self", dual-stack peer
 * "ts2", IPv6-only peer "ts6", one ExtraRecord, a default resolver and two split routes.
 */
final class TestNetmaps {
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    static final String DUAL_STACK_SELF = "['100.64.0.1/32','fd7a:115c:a1e0::1/128']";
    static final String IPV6_ONLY_SELF = "['fd7a:115c:a1e0::1/128']";
    static final String DNS = "{'Proxied':true,'Resolvers':[{'Addr':'9.9.9.9'}],"
            + "'Routes':{'corp.example':[{'Addr':'10.0.0.53'}],'internal.test.':[]},"
            + "'ExtraRecords':[{'Name':'db.tailnet.test','Type':'A','Value':'100.64.0.99'}]}";

    private TestNetmaps() {}

    /** Peers always come with a node key (the netmap leaves out those that do not). */
    private static String nodeKey() {
        return PrivateKey.generate(KeyKind.NODE).publicKey().toString();
    }

    /** The standard netmap plus {@code n} peers {@code peer-0} and up at 100.65.x.y, for tests of scale. */
    static Netmap withPeers(int n) {
        StringBuilder peers = new StringBuilder();
        for (int i = 0; i < n; i++) {
            peers.append(",{'ID':").append(100 + i).append(",'Name':'peer-").append(i).append(".tailnet.test.','Key':'")
                    .append(nodeKey()).append("','Addresses':['100.65.").append(i / 256).append('.').append(i % 256)
                    .append("/32']}");
        }
        return netmap(DUAL_STACK_SELF, "", DNS, peers.toString());
    }

    static Netmap standard() {
        return netmap(DUAL_STACK_SELF, "", DNS);
    }

    /** {@code selfAttrs} is JSON members added to the self node, e.g. a CapMap. */
    static Netmap netmap(String selfAddresses, String selfAttrs, String dnsConfig) {
        return netmap(selfAddresses, selfAttrs, dnsConfig, "");
    }

    private static Netmap netmap(String selfAddresses, String selfAttrs, String dnsConfig, String morePeers) {
        String json = "{'Node':{'ID':1,'Name':'self.tailnet.test.','Addresses':" + selfAddresses + selfAttrs + "},"
                + "'Peers':[{'ID':2,'Name':'ts2.tailnet.test.','Key':'" + nodeKey() + "',"
                + "'Addresses':['100.64.0.2/32','fd7a:115c:a1e0::2/128']},"
                + "{'ID':6,'Name':'ts6.tailnet.test.','Key':'" + nodeKey() + "','Addresses':['fd7a:115c:a1e0::6/128']}" + morePeers + "],"
                + "'DNSConfig':" + dnsConfig + "}";
        try {
            MapResponse response = JSON.readValue(json.replace('\'', '"'), MapResponse.class);
            return NetmapUpdater.apply(NetmapUpdater.empty(), response).netmap();
        } catch (Exception e) {
            throw new IllegalStateException(json, e);
        }
    }
}
