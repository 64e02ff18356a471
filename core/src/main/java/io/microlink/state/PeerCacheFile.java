package io.microlink.state;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.microlink.control.wire.DerpMap;
import io.microlink.control.wire.Node;
import io.microlink.key.KeyFormatException;
import io.microlink.key.KeyKind;
import io.microlink.key.PrivateKey;
import io.microlink.key.PublicKey;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The JSON form of {@code peers.json}, sans I/O. It keeps of each node only what reaching it
 * takes: ID, name, node and disco keys, when the node key expires (a cached peer whose key has
 * expired since is not reached), tailnet addresses and allowed IPs, endpoints and home
 * relay; of this node its ID, name, node key, addresses and UDP port; the DERP map in
 * control's own form; and this node's private disco key, which is why the file is owner-only.
 *
 * <p>tailscale makes a new disco key at every start, and its peers ignore DISCO from a key
 * control has not told them about. Kept here, the key lets peers answer a restarted node's
 * pings before control is back, even when the only relay was control's own and is down too.
 * The same goes for the UDP port: a peer keeps sending to the address it last proved, so a
 * restarted node that binds it again is reached at once (tailscaled, too, keeps one port).
 * Go has no text form for a disco private key, so this file stores it as plain hex.
 *
 * <pre>{@code
 * byte[] json = PeerCacheFile.encode(contents);
 * PeerCacheFile.Contents back = PeerCacheFile.decode(json);
 * }</pre>
 */
final class PeerCacheFile {
    private static final int FORMAT = 1;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HexFormat HEX = HexFormat.of();

    private PeerCacheFile() {}

    /**
     * What the file holds.
     *
     * @param udpPort the UDP port peers reached this node at, 0 if none yet
 * @param self  this node, or null before the first netmap
     * @param peers most recently used first
     */
    record Contents(String controlUrl, PrivateKey discoKey, int udpPort, Node self, DerpMap derpMap, List<Node> peers) {}

    /** The file cannot be used; the reason never quotes its content, which holds a private key. */
    static final class InvalidException extends Exception {
        InvalidException(String reason) {
            super(reason);
        }
    }

    /** A node reduced to what the cache keeps, in the shape the netmap takes. */
    static Node keep(Node n) {
        Instant expiry = n.keyExpiry() != null && n.keyExpiry().isAfter(Instant.EPOCH) ? n.keyExpiry() : null;
        return node(n.id(), n.name(), n.key(), expiry, n.discoKey(), n.addresses(), n.allowedIps(), n.endpoints(),
                n.homeRegion(), n.expired());
    }

    private static Node node(long id, String name, String key, Instant keyExpiry, String discoKey,
                             List<String> addresses, List<String> allowedIps, List<String> endpoints, int homeDerp,
                             boolean expired) {
        return new Node(id, null, name, 0, key, keyExpiry, null, discoKey, addresses, allowedIps, endpoints, null,
                homeDerp, null, null, null, true, expired, null, null, null, null);
    }

    static byte[] encode(Contents c) {
        ObjectNode root = JSON.createObjectNode()
                .put("format", FORMAT)
                .put("controlUrl", c.controlUrl())
                .put("discoPrivateKey", HEX.formatHex(c.discoKey().raw()))
                .put("udpPort", c.udpPort());
        if (c.self() != null) {
            root.set("self", nodeJson(c.self()));
        }
        if (c.derpMap() != null) {
            root.set("derpMap", JSON.valueToTree(c.derpMap()));
        }
        ArrayNode peers = root.putArray("peers");
        c.peers().forEach(p -> peers.add(nodeJson(p)));
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise the peer cache", e); // a tree of plain values always serialises
        }
    }

    static Contents decode(byte[] json) throws InvalidException {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            // Jackson's message quotes the offending text, which may be the private key: only say where.
            throw new InvalidException("not valid JSON at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr());
        } catch (java.io.IOException e) {
            throw new InvalidException("not valid JSON");
        }
        if (root == null || root.path("format").asInt() != FORMAT) {
            throw new InvalidException("unknown format");
        }
        try {
            PrivateKey discoKey = PrivateKey.of(KeyKind.DISCO, HEX.parseHex(text(root, "discoPrivateKey")));
            Node self = root.has("self") ? node(root.get("self")) : null;
            DerpMap derpMap = root.has("derpMap") ? JSON.treeToValue(root.get("derpMap"), DerpMap.class) : null;
            List<Node> peers = new ArrayList<>();
            for (JsonNode p : array(root, "peers")) {
                peers.add(node(p));
            }
            int udpPort = root.path("udpPort").asInt();
            if (udpPort < 0 || udpPort > 65535) {
                throw new InvalidException("a UDP port out of range");
            }
            return new Contents(text(root, "controlUrl"), discoKey, udpPort, self, derpMap, List.copyOf(peers));
        } catch (KeyFormatException e) {
            throw new InvalidException("a malformed key (" + e.getMessage() + ")");
        } catch (JsonProcessingException e) {
            throw new InvalidException("a malformed DERP map");
        } catch (IllegalArgumentException e) {
            throw new InvalidException("a malformed disco private key"); // HexFormat's message quotes the text
        }
    }

    private static ObjectNode nodeJson(Node n) {
        ObjectNode o = JSON.createObjectNode().put("id", n.id()).put("name", n.name()).put("nodeKey", n.key());
        if (n.keyExpiry() != null) {
            o.put("keyExpiry", n.keyExpiry().toString());
        }
        if (n.expired()) {
            o.put("expired", true);
        }
        if (n.discoKey() != null) {
            o.put("discoKey", n.discoKey());
        }
        strings(o, "addresses", n.addresses());
        strings(o, "allowedIps", n.allowedIps());
        strings(o, "endpoints", n.endpoints());
        return o.put("homeDerp", n.homeRegion());
    }

    private static void strings(ObjectNode o, String field, List<String> values) {
        ArrayNode a = o.putArray(field);
        if (values != null) {
            values.forEach(a::add);
        }
    }

    private static Node node(JsonNode o) throws InvalidException {
        long id = o.path("id").asLong();
        if (id <= 0) {
            throw new InvalidException("a node without an ID");
        }
        String key = PublicKey.parse(KeyKind.NODE, text(o, "nodeKey")).toString();
        String disco = o.hasNonNull("discoKey") ? PublicKey.parse(KeyKind.DISCO, o.get("discoKey").asText()).toString()
                : null;
        Instant keyExpiry;
        try {
            keyExpiry = o.hasNonNull("keyExpiry") ? Instant.parse(o.get("keyExpiry").asText()) : null;
        } catch (DateTimeParseException e) {
            throw new InvalidException("a malformed key expiry");
        }
        return node(id, o.path("name").asText(""), key, keyExpiry, disco, strings(o, "addresses"),
                strings(o, "allowedIps"), strings(o, "endpoints"), o.path("homeDerp").asInt(),
                o.path("expired").asBoolean(false));
    }

    private static List<String> strings(JsonNode o, String field) throws InvalidException {
        List<String> out = new ArrayList<>();
        for (JsonNode v : array(o, field)) {
            if (!v.isTextual()) {
                throw new InvalidException("a non-text entry in " + field);
            }
            out.add(v.asText());
        }
        return List.copyOf(out);
    }

    private static JsonNode array(JsonNode o, String field) throws InvalidException {
        JsonNode a = o.path(field);
        if (!a.isArray()) {
            throw new InvalidException("no " + field + " list");
        }
        return a;
    }

    private static String text(JsonNode o, String field) throws InvalidException {
        JsonNode v = o.path(field);
        if (!v.isTextual()) {
            throw new InvalidException("no " + field);
        }
        return v.asText();
    }
}
