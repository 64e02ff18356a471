package io.microlink.netstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HexFormat;

/** The packets tools/netvectors printed with gVisor's tcpip/header, and helpers to read them. */
public final class NetstackVectors {
    private static final HexFormat HEX = HexFormat.of();
    private static JsonNode root;

    private NetstackVectors() {}

    public static synchronized JsonNode get(String section) {
        if (root == null) {
            try (InputStream in = NetstackVectors.class.getResourceAsStream("/vectors/netstack-vectors.json")) {
                root = new ObjectMapper().readTree(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        JsonNode node = root.path(section);
        if (node.isEmpty()) {
            throw new IllegalStateException("no vectors for " + section);
        }
        return node;
    }

    public static byte[] bytes(JsonNode v, String field) {
        return bytes(v.path(field).asText());
    }

    public static byte[] bytes(String hex) {
        return HEX.parseHex(hex);
    }

    public static byte[] address(JsonNode v, String field) {
        try {
            return InetAddress.getByName(v.path(field).asText()).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    public static String hex(byte[] b) {
        return HEX.formatHex(b);
    }
}
