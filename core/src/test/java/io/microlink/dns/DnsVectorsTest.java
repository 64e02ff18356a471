package io.microlink.dns;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.net.InetAddress;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Messages built by golang.org/x/net/dns/dnsmessage, the codec tailscale's resolver uses;
 * printed by tools/dnsvectors.
 */
class DnsVectorsTest {
    private static final HexFormat HEX = HexFormat.of();

    private static JsonNode vectors() throws Exception {
        try (InputStream in = DnsVectorsTest.class.getResourceAsStream("/vectors/dns-vectors.json")) {
            return new ObjectMapper().readTree(in);
        }
    }

    @Test
    void everyVectorParsesFieldByField() throws Exception {
        JsonNode all = vectors();
        assertThat(all.size()).isGreaterThanOrEqualTo(10);
        for (JsonNode v : all) {
            DnsMessage m = DnsMessage.parse(HEX.parseHex(v.path("hex").asText()));
            JsonNode h = v.path("header");
            assertThat(m.header()).as(v.path("name").asText()).isEqualTo(new DnsHeader(h.path("id").asInt(),
                    h.path("response").asBoolean(), h.path("opcode").asInt(), h.path("authoritative").asBoolean(),
                    h.path("truncated").asBoolean(), h.path("recursionDesired").asBoolean(),
                    h.path("recursionAvailable").asBoolean(), h.path("authenticData").asBoolean(),
                    h.path("checkingDisabled").asBoolean(), h.path("rcode").asInt()));
            assertThat(m.questions()).hasSize(v.path("questions").size());
            for (int i = 0; i < m.questions().size(); i++) {
                JsonNode q = v.path("questions").get(i);
                assertThat(m.questions().get(i)).isEqualTo(new DnsQuestion(q.path("name").asText(),
                        q.path("type").asInt(), q.path("class").asInt()));
            }
            assertRecords(m.answers(), v.path("answers"));
            assertRecords(m.authorities(), v.path("authorities"));
            assertRecords(m.additionals(), v.path("additionals"));
        }
    }

    private static void assertRecords(List<DnsRecord> records, JsonNode expected) throws Exception {
        assertThat(records).hasSize(expected.size());
        for (int i = 0; i < records.size(); i++) {
            DnsRecord r = records.get(i);
            JsonNode e = expected.get(i);
            assertThat(r.name()).isEqualTo(e.path("name").asText());
            assertThat(r.type()).isEqualTo(e.path("type").asInt());
            assertThat(r.dnsClass()).isEqualTo(e.path("class").asInt());
            assertThat(r.ttl()).isEqualTo(e.path("ttl").asLong());
            DnsRdata want;
            if (e.has("ip")) {
                want = new DnsRdata.Address(InetAddress.ofLiteral(e.path("ip").asText()));
            } else if (e.has("target")) {
                want = new DnsRdata.Domain(e.path("target").asText());
            } else if (e.has("soa")) {
                JsonNode s = e.path("soa");
                want = new DnsRdata.Soa(s.path("ns").asText(), s.path("mbox").asText(), s.path("serial").asLong(),
                        s.path("refresh").asLong(), s.path("retry").asLong(), s.path("expire").asLong(),
                        s.path("minTtl").asLong());
            } else {
                assertThat(HEX.formatHex(((DnsRdata.Opaque) r.data()).bytes())).isEqualTo(e.path("rdataHex").asText());
                continue;
            }
            assertThat(r.data()).isEqualTo(want);
        }
    }

    @Test
    void compressedVectorsEncodeByteForByteAndTheRestRoundTrip() throws Exception {
        int canonical = 0;
        for (JsonNode v : vectors()) {
            byte[] wire = HEX.parseHex(v.path("hex").asText());
            byte[] ours = DnsMessage.parse(wire).encode(65535);
            if (v.path("compressed").asBoolean()) {
                assertThat(HEX.formatHex(ours)).as(v.path("name").asText()).isEqualTo(v.path("hex").asText());
                canonical++;
            } else {
                assertThat(DnsMessage.parse(ours).encode(65535)).isEqualTo(ours);
                assertThat(ours.length).isLessThanOrEqualTo(wire.length);
            }
        }
        assertThat(canonical).isGreaterThanOrEqualTo(6);
    }

    @Test
    void theEdnsPayloadSizeIsTheUdpLimit() throws Exception {
        for (JsonNode v : vectors()) {
            DnsMessage m = DnsMessage.parse(HEX.parseHex(v.path("hex").asText()));
            int expected = v.path("additionals").size() == 0 ? 512 : v.path("additionals").get(0).path("class").asInt();
            assertThat(m.udpPayloadLimit()).isEqualTo(expected);
        }
    }
}
