package io.microlink.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which answers a lookup through quad-100 takes: its query's ID, type and name (any case), a response. */
class NodeNameLookupTest {
    private static byte[] answer(int id, String name, int type) {
        DnsHeader h = DnsHeader.query(id).answer(DnsRcode.NOERROR);
        return new DnsMessage(h, List.of(new DnsQuestion(name, type, DnsClass.IN)),
                List.of(DnsRecord.address(name, InetAddress.ofLiteral("192.0.2.7"), 60)), List.of(), List.of()).encode(512);
    }

    @Test
    void onlyTheAnswerToTheQueryMatches() {
        assertThat(NodeNameLookup.matching(answer(7, "WWW.Example.com.", DnsType.A), 7, "www.example.com.", DnsType.A))
                .isPresent();
        assertThat(NodeNameLookup.matching(answer(8, "www.example.com.", DnsType.A), 7, "www.example.com.", DnsType.A))
                .isEmpty();
        assertThat(NodeNameLookup.matching(answer(7, "other.example.", DnsType.A), 7, "www.example.com.", DnsType.A))
                .isEmpty();
        assertThat(NodeNameLookup.matching(NodeNameLookup.query(7, "www.example.com.", DnsType.A), 7,
                "www.example.com.", DnsType.A)).as("a query is no answer").isEmpty();
        assertThat(NodeNameLookup.matching(new byte[] {1, 2, 3}, 7, "www.example.com.", DnsType.A)).isEmpty();
    }
}
