package io.microlink.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.microlink.host.settings.DebugFlag;
import io.microlink.host.settings.InvalidSettingsException;
import io.microlink.host.settings.NodeSettings;
import io.microlink.StateException;
import io.microlink.web.http.HttpException;
import io.microlink.web.http.HttpRequest;
import io.microlink.web.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** The JSON API under {@code /api/}, as docs/openapi.yaml describes it. */
final class WebApi {
    /** The monitor lists at most this many peers' paths; a node holds at most max-active-peers sessions anyway. */
    static final int MAX_PATHS = 100;

    private final WebBackend backend;
    private final DevicesApi devices;
    private final TrafficHistory history;

    /**
     * @param devices the LOPOWER bridge's devices this listener serves, or null for none (the tailnet's listener)
     * @param history the traffic and latency samples the monitor's charts draw
     */
    WebApi(WebBackend backend, DeviceBridge devices, TrafficHistory history) {
        this.backend = backend;
        this.devices = devices == null ? null : new DevicesApi(devices);
        this.history = history;
    }

    HttpResponse handle(HttpRequest r, Access.Role role) {
        try {
            return switch (r.path()) {
                case "/api/status" -> get(r, () -> status(role));
                case "/api/peers" -> get(r, () -> PeerQuery.of(r).apply(backend.peers()));
                case "/api/peers/allowed" -> r.method().equals("POST") ? changeAllowlist(r) : get(r, this::allowlist);
                case "/api/monitor" -> get(r, this::monitor);
                case "/api/history" -> get(r, history::json);
                case "/api/settings" -> r.method().equals("POST") ? changeSettings(r) : get(r, () -> settings(backend.settings()));
                case "/api/restart" -> restart(r);
                default -> {
                    if (devices != null && DevicesApi.serves(r.path())) {
                        yield devices.handle(r);
                    }
                    throw new HttpException(404, "no API at " + r.path());
                }
            };
        } catch (InvalidSettingsException e) {
            ObjectNode body = Json.MAPPER.createObjectNode().put("error", e.getMessage());
            ArrayNode problems = body.putArray("problems");
            e.problems().forEach(p -> problems.addObject().put("setting", p.setting()).put("message", p.message()));
            return Json.answer(400, body);
        } catch (StateException e) {
            return HttpResponse.error(500, e.getMessage());
        }
    }

    @FunctionalInterface
    private interface Read {
        Object get() throws StateException;
    }

    private static HttpResponse get(HttpRequest r, Read read) throws StateException {
        if (!r.method().equals("GET") && !r.method().equals("HEAD")) {
            throw methodNotAllowed(r, "GET");
        }
        return Json.ok(read.get());
    }

    static HttpException methodNotAllowed(HttpRequest r, String allowed) {
        return new HttpException(405, r.method() + " is not allowed on " + r.path() + "; use " + allowed);
    }

    private ObjectNode status(Access.Role role) {
        ObjectNode out = Json.MAPPER.valueToTree(backend.status());
        out.put("role", role.name().toLowerCase(Locale.ROOT));
        out.put("devices", devices != null);
        return out;
    }

    private Map<String, Object> allowlist() {
        Set<String> peers = new TreeSet<>(backend.discoAllowlist());
        return Map.of("peers", peers, "probesEveryPeer", peers.isEmpty());
    }

    /** Either {@code {"peers": [...]}} (the whole list) or {@code {"add": [...], "remove": [...]}}. */
    private HttpResponse changeAllowlist(HttpRequest r) throws StateException {
        JsonNode body = Json.object(r);
        body.fieldNames().forEachRemaining(name -> {
            if (!List.of("peers", "add", "remove").contains(name)) {
                throw new HttpException(400, "unknown field '" + name + "'; send peers, or add and remove");
            }
        });
        Set<String> next;
        if (body.has("peers")) {
            if (body.has("add") || body.has("remove")) {
                throw new HttpException(400, "send either peers (the whole list) or add/remove, not both");
            }
            next = new LinkedHashSet<>(strings(body, "peers"));
        } else if (body.has("add") || body.has("remove")) {
            next = new LinkedHashSet<>(new TreeSet<>(backend.discoAllowlist()));
            next.addAll(strings(body, "add"));
            strings(body, "remove").forEach(next::remove);
        } else {
            throw new HttpException(400, "send peers (the whole list), or add and/or remove");
        }
        backend.setDiscoAllowlist(next);
        return Json.ok(allowlist());
    }

    private static List<String> strings(JsonNode body, String field) {
        JsonNode list = body.get(field);
        if (list == null) {
            return List.of();
        }
        if (!list.isArray()) {
            throw new HttpException(400, field + " must be a list of peer names");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode e : list) {
            if (!e.isTextual()) {
                throw new HttpException(400, field + " must be a list of peer names (strings)");
            }
            out.add(e.asText().strip());
        }
        return out;
    }

    private HttpResponse changeSettings(HttpRequest r) throws StateException {
        return Json.ok(settings(backend.updateSettings(Json.object(r))));
    }

    /**
     * The settings without secrets, what changed, what waits for a restart, which settings ever
     * need one, and the debug flags there are.
     */
    private static ObjectNode settings(SettingsView view) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.set("settings", view.settings().toJson(false));
        out.set("changed", names(view.changed()));
        out.set("restartRequired", names(view.restartRequired()));
        out.set("needsRestart", names(Arrays.stream(NodeSettings.Field.values())
                .filter(NodeSettings.Field::needsRestart).toList()));
        ArrayNode flags = out.putArray("debugFlags");
        Arrays.stream(DebugFlag.values()).forEach(f -> flags.add(f.jsonName()));
        return out;
    }

    private static ArrayNode names(Collection<NodeSettings.Field> fields) {
        ArrayNode a = Json.MAPPER.createArrayNode();
        fields.stream().sorted().forEach(f -> a.add(f.jsonName()));
        return a;
    }

    private HttpResponse restart(HttpRequest r) {
        if (!r.method().equals("POST")) {
            throw methodNotAllowed(r, "POST");
        }
        if (r.body().length > 0) {
            Json.object(r); // an empty object is fine; anything else is a malformed request
        }
        return Json.answer(202, Map.of("restarting", true)).thenRun(backend::restart);
    }

    /** The monitor page's figures: the JVM, the node's relay, the peers and their paths. */
    private Map<String, Object> monitor() {
        List<PeerInfo> peers = backend.peers();
        long rx = 0;
        long tx = 0;
        int online = 0;
        int direct = 0;
        int derp = 0;
        for (PeerInfo p : peers) {
            rx += p.rxBytes();
            tx += p.txBytes();
            online += Boolean.TRUE.equals(p.online()) ? 1 : 0;
            direct += p.path().equals(PeerInfo.DIRECT) ? 1 : 0;
            derp += p.path().equals(PeerInfo.DERP) ? 1 : 0;
        }
        List<Map<String, Object>> paths = peers.stream().filter(p -> !p.path().equals(PeerInfo.NONE))
                .sorted(Comparator.comparing(PeerInfo::name)).limit(MAX_PATHS)
                .map(p -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("name", p.name());
                    m.put("path", p.path());
                    m.put("via", p.via());
                    m.put("rxBytes", p.rxBytes());
                    m.put("txBytes", p.txBytes());
                    m.put("lastHandshake", p.lastHandshake());
                    return m;
                }).toList();
        NodeStatus status = backend.status();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("jvm", SystemMonitor.read());
        out.put("state", status.state());
        out.put("homeDerp", status.homeDerp());
        out.put("uplinks", status.uplinks());
        out.put("peers", Map.of("total", peers.size(), "online", online, "direct", direct, "derp", derp));
        out.put("traffic", Map.of("rxBytes", rx, "txBytes", tx));
        out.put("paths", paths);
        return out;
    }
}
