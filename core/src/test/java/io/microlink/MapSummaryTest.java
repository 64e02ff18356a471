package io.microlink;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.microlink.control.wire.MapResponse;
import org.junit.jupiter.api.Test;

class MapSummaryTest {
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private static MapResponse msg(String json) throws Exception {
        return JSON.readValue(json.replace('\'', '"'), MapResponse.class);
    }

    @Test
    void namesPeersByIdAndTheOtherPartsByKind() throws Exception {
        MapResponse m = msg("{'PeersChanged':[{'ID':7,'Name':'secret-host.tailnet.test.','Key':'nodekey:ab'}],"
                + "'PeersRemoved':[3,4],'PeersChangedPatch':[{'NodeID':9}],'PacketFilters':{'base':[]},"
                + "'DNSConfig':{}}");

        assertThat(MapSummary.of(m)).isEqualTo("changed [7], removed [3, 4], patched [9], filter, dns")
                .doesNotContain("secret-host").doesNotContain("nodekey");
    }

    @Test
    void anEmptyFullPeerListIsToldApartFromNone() throws Exception {
        assertThat(MapSummary.of(msg("{'Peers':[]}"))).isEqualTo("peers []");
        assertThat(MapSummary.of(msg("{'KeepAlive':true}"))).isEqualTo("keep-alive");
        assertThat(MapSummary.of(msg("{}"))).isEqualTo("(empty)");
    }
}
