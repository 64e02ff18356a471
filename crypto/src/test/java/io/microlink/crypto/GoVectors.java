package io.microlink.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HexFormat;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Reads vectors/go-crypto-vectors.json, printed by tools/vectorgen from golang.org/x/crypto.
 */
final class GoVectors {
    private static final JsonNode ROOT = load();

    private GoVectors() {}

    /** The entries of one section, failing loudly if the section is missing or empty. */
    static Stream<JsonNode> section(String name) {
        JsonNode array = ROOT.path(name);
        if (!array.isArray() || array.isEmpty()) {
            throw new IllegalStateException("no Go vectors in section " + name);
        }
        return StreamSupport.stream(array.spliterator(), false);
    }

    static byte[] bytes(JsonNode entry, String field) {
        JsonNode value = entry.get(field);
        if (value == null || !value.isTextual()) {
            throw new IllegalStateException("Go vector lacks hex field " + field);
        }
        return HexFormat.of().parseHex(value.asText());
    }

    static byte[][] parts(JsonNode entry) {
        return StreamSupport.stream(entry.get("parts").spliterator(), false)
                .map(p -> HexFormat.of().parseHex(p.asText()))
                .toArray(byte[][]::new);
    }

    private static JsonNode load() {
        try (InputStream in = GoVectors.class.getResourceAsStream("/vectors/go-crypto-vectors.json")) {
            if (in == null) {
                throw new IllegalStateException("vectors/go-crypto-vectors.json is not on the test classpath");
            }
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
