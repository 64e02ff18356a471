package io.microlink.daemon.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;

/**
 * The local API's wire format, shared by daemon and CLI. A client sends one line of JSON,
 * {@code {"method":"ping","peer":"laptop",...}}; the daemon answers one line,
 * {@code {"ok":true,"result":{...}}} or {@code {"ok":false,"code":"unknown-peer","error":"..."}}.
 * For {@code dial} the connection then carries the TCP stream's raw bytes both ways, and
 * each side half-closes when its input ends. Lines are at most {@value #MAX_LINE} bytes.
 */
public final class ApiProtocol {
    /** Longest request or response line; bounds what a client can make the daemon buffer. */
    public static final int MAX_LINE = 1 << 20;
    static final ObjectMapper JSON = new ObjectMapper();

    private ApiProtocol() {}

    public static ObjectNode object() {
        return JSON.createObjectNode();
    }

    /**
     * Reads one line byte by byte, so nothing after it (the raw stream of {@code dial}) is
     * consumed. Returns null at a clean end of input.
     */
    static JsonNode readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b; (b = in.read()) != '\n'; ) {
            if (b < 0) {
                if (line.size() == 0) {
                    return null;
                }
                throw new EOFException("the line ended without a newline");
            }
            if (line.size() == MAX_LINE) {
                throw new IOException("line longer than " + MAX_LINE + " bytes");
            }
            line.write(b);
        }
        return parse(line.toByteArray());
    }

    /** One line's bytes (without its newline) as the JSON object it must be. */
    static JsonNode parse(byte[] line) throws IOException {
        String text;
        try {
            // Strictly: Jackson reads malformed UTF-8 into strings it cannot write back as JSON.
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(line)).toString();
        } catch (CharacterCodingException e) {
            throw new IOException("the line is not UTF-8");
        }
        JsonNode node = JSON.readTree(text);
        if (node == null || !node.isObject()) {
            throw new IOException("not a JSON object");
        }
        return node;
    }

    static void writeLine(OutputStream out, JsonNode message) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(message);
        out.write(bytes);
        out.write('\n');
        out.flush();
    }
}
