package io.microlink.daemon.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;

class ApiProtocolFuzzTest {

    /**
     * A client's line, as any bytes, is a JSON object or an IOException (which the server answers
     * with bad-request); its names and texts survive writeLine/readLine; its parameters are read
     * by ApiRequest or refused with ApiException, nothing else.
     */
    @FuzzTest
    void requestLine(byte[] stream) throws IOException {
        JsonNode line;
        try {
            line = ApiProtocol.readLine(new ByteArrayInputStream(stream));
        } catch (IOException expected) {
            return;
        }
        if (line == null) {
            assertThat(stream).isEmpty();
            return;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ApiProtocol.writeLine(out, line);
        JsonNode again = ApiProtocol.readLine(new ByteArrayInputStream(out.toByteArray()));
        // What a reply may echo, names and text, comes back unchanged; a number past a double's
        // range does not (Jackson writes Infinity as a string), and no reply echoes numbers.
        assertThat(again.fieldNames()).toIterable().containsExactlyElementsOf(() -> line.fieldNames());
        line.properties().stream().filter(e -> e.getValue().isTextual())
                .forEach(e -> assertThat(again.get(e.getKey())).isEqualTo(e.getValue()));
        ApiRequest r = new ApiRequest(line.path("method").asText(), line);
        try {
            r.optionalText("name");
            r.integer("port", 0, 1, 65535);
            r.bool("follow");
            assertThat(r.timeout(Duration.ofSeconds(5))).isBetween(Duration.ofMillis(1), Duration.ofHours(1));
            r.text("method");
        } catch (ApiException expected) {
            assertThat(expected.code()).isEqualTo(ApiException.BAD_REQUEST);
        }
    }
}
