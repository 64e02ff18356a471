package io.microlink.netmap;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.microlink.control.wire.MapResponse;
import io.microlink.control.wire.Node;
import io.microlink.key.KeyKind;
import io.microlink.key.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import org.junit.jupiter.api.Test;

/** Peer key expiry against a test clock. */
class PeerExpiryTest {
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

    private Instant now = T0;
    private final PeerExpiry expiry = new PeerExpiry(new InstantSource() {
        @Override
        public Instant instant() {
            return now;
        }
    });

    @Test
    void aKeyExpiresAtItsTimeOrWhenControlSaysSoAndGoZeroTimeIsNever() throws Exception {
        Netmap map = netmap("{'ID':2,'Name':'a.','Key':'%s','KeyExpiry':'2026-03-01T12:00:00Z'}",
                "{'ID':3,'Name':'b.','Key':'%s','KeyExpiry':'0001-01-01T00:00:00Z'}",
                "{'ID':4,'Name':'c.','Key':'%s','Expired':true}",
                "{'ID':5,'Name':'d.','Key':'%s','KeyExpiry':'2026-03-01T12:00:01Z'}");

        assertThat(map.peers()).filteredOn(expiry::expired).extracting(Node::id).containsExactly(2L, 4L);
    }

    @Test
    void dueOnceTheNextExpiryOfTheAppliedNetmapHasPassed() throws Exception {
        Netmap map = netmap("{'ID':2,'Name':'a.','Key':'%s','KeyExpiry':'2026-03-01T13:00:00Z'}",
                "{'ID':3,'Name':'b.','Key':'%s','KeyExpiry':'2026-03-01T12:30:00Z'}",
                "{'ID':4,'Name':'c.','Key':'%s','KeyExpiry':'2026-03-01T11:00:00Z'}");
        expiry.applied(map);
        assertThat(expiry.due()).as("c expired before it was applied: already left out").isFalse();

        now = Instant.parse("2026-03-01T12:29:59Z");
        assertThat(expiry.due()).isFalse();
        now = Instant.parse("2026-03-01T12:30:00Z");
        assertThat(expiry.due()).isTrue();

        expiry.applied(map);
        assertThat(expiry.due()).as("next is a, at 13:00").isFalse();
        now = Instant.parse("2026-03-01T13:00:00Z");
        assertThat(expiry.due()).isTrue();
        expiry.applied(map);
        now = now.plus(Duration.ofDays(365));
        assertThat(expiry.due()).as("nothing left to expire").isFalse();
    }

    @Test
    void controlsClockCountsWhenOursIsMoreThanAMinuteOff() throws Exception {
        Netmap map = netmap("{'ID':2,'Name':'a.','Key':'%s','KeyExpiry':'2026-03-01T12:30:00Z'}");
        Node a = map.peers().iterator().next();

        expiry.controlTime(T0.plusSeconds(30)); // within a minute: our clock is fine
        assertThat(expiry.now()).isEqualTo(T0);

        expiry.controlTime(T0.plus(Duration.ofHours(1))); // we are an hour behind
        assertThat(expiry.expired(a)).isTrue();
        expiry.controlTime(T0.minus(Duration.ofDays(400))); // or a year ahead, say
        assertThat(expiry.expired(a)).isFalse();
        now = T0.plus(Duration.ofDays(400));
        assertThat(expiry.expired(a)).as("a clock far ahead does not expire everyone").isFalse();
    }

    private static Netmap netmap(String... peers) throws Exception {
        StringBuilder json = new StringBuilder("{'Node':{'ID':1,'Name':'self.'},'Peers':[");
        for (int i = 0; i < peers.length; i++) {
            json.append(i == 0 ? "" : ",").append(peers[i].formatted(PrivateKey.generate(KeyKind.NODE).publicKey()));
        }
        MapResponse r = JSON.readValue(json.append("]}").toString().replace('\'', '"'), MapResponse.class);
        return NetmapUpdater.apply(NetmapUpdater.empty(), r).netmap();
    }
}
