package io.microlink.filter;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.microlink.control.wire.FilterRule;
import io.microlink.tsmp.TsmpReject;
import java.io.IOException;
import java.io.InputStream;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Checks the verdicts and rejections of vectors/filter-vectors.json, printed by tools/filtervectors from tailscale's own filter. */
class FilterVectorsTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNode ROOT = load();

    private static JsonNode load() {
        try (InputStream in = FilterVectorsTest.class.getResourceAsStream("/vectors/filter-vectors.json")) {
            if (in == null) {
                throw new IllegalStateException("vectors/filter-vectors.json is not on the test classpath");
            }
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static Stream<JsonNode> cases() {
        return StreamSupport.stream(ROOT.get("cases").spliterator(), false);
    }

    static Stream<JsonNode> rejects() {
        return StreamSupport.stream(ROOT.get("rejects").spliterator(), false);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void sameVerdictAsTailscale(JsonNode c) throws IOException {
        JsonNode ruleSet = ROOT.get("ruleSets").get(c.get("ruleSet").asText());
        List<FilterRule> rules = JSON.convertValue(ruleSet.get("rules"), new TypeReference<>() {});
        List<String> local = JSON.convertValue(ruleSet.get("local"), new TypeReference<>() {});
        Firewall firewall = new Firewall();
        firewall.install(PacketFilter.of(rules, local));
        for (JsonNode out : c.path("outbound")) {
            byte[] packet = HEX.parseHex(out.asText());
            firewall.outbound(packet, 0, packet.length);
        }
        byte[] packet = HEX.parseHex(c.get("packet").asText());

        Verdict verdict = firewall.inbound(packet, 0, packet.length);

        assertThat(verdict.accepted()).as("%s under %s: %s", c.get("name").asText(), c.get("ruleSet").asText(), verdict)
                .isEqualTo(c.get("accept").asBoolean());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rejects")
    void sameRejectionAsTailscale(JsonNode r) {
        byte[] syn = HEX.parseHex(r.get("syn").asText());

        assertThat(TsmpReject.forDroppedSyn(syn, 0, syn.length)).hasValueSatisfying(
                reject -> assertThat(HEX.formatHex(reject)).isEqualTo(r.get("reject").asText()));
    }
}
