package io.microlink.daemon.verbs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.microlink.Peer;
import io.microlink.PeerPathStatus;
import io.microlink.TailnetMap;
import io.microlink.TailnetNode;
import io.microlink.UplinkStatus;
import io.microlink.daemon.Daemon;
import io.microlink.daemon.api.ApiException;
import io.microlink.daemon.api.ApiProtocol;
import io.microlink.daemon.api.ApiRequest;
import io.microlink.daemon.api.Method;
import io.microlink.daemon.cli.CliException;
import io.microlink.daemon.cli.Context;
import io.microlink.daemon.cli.Format;
import io.microlink.daemon.cli.Options;
import io.microlink.daemon.cli.UsageException;
import io.microlink.daemon.cli.Verb;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** {@code microlink status}: the node's state, itself and its peers with their paths, as a table or JSON. */
final class Status implements Verb, Method {
    @Override
    public String name() {
        return "status";
    }

    @Override
    public String arguments() {
        return "";
    }

    @Override
    public String summary() {
        return "show the node's state and its peers: online, path (DERP or direct), last handshake, bytes";
    }

    @Override
    public String details() {
        return """
                --json prints the daemon's answer as it is: state, detail, loginUrl, controlUrl,
                tunDevice, tunActive, health (what the host lacks, one line each, as tailscaled's
                health warnings: IP forwarding off in TUN mode with advertised routes), proxies [{kind, port, address, problem, authentication}], serve
                [{tailnetPort, localPort, active, connections, problem}], self {name, fqdn,
                addresses, nodeKey, advertisedRoutes (the routes it offers), approvedRoutes (those
                control approved, which it relays now)}, acceptRoutes, exitNode (the name of the peer in use, or null),
                exitNodeProblem (why the exit node asked for is not used, or null) and peers [{name,
                fqdn, addresses, online, os, lastSeen, path, lastHandshake, rxBytes, txBytes,
                routes (its approved subnet routes), primaryRoutes, exitNodeOption (it offers an exit
                route), exitNode (it is the one in use)}]; times are ISO-8601, null when unknown.
                The table's ROUTES column shows this node's advertised routes (each not yet approved
                marked so) and each peer's routes, "exit node" for one that offers
                it and "EXIT NODE (in use)" for this node's. The auth key is never included.""";
    }

    @Override
    public Options options() {
        return new Options().flag("json", null, "print JSON instead of a table");
    }

    @Override
    public int run(Options.Parsed args, Context context) throws CliException, UsageException {
        args.requirePositionals();
        JsonNode s = context.api().call(ApiProtocol.object().put("method", method()));
        context.io().out().print(text(s, args.flag("json"), Instant.now()));
        return 0;
    }

    /**
     * What {@code status} prints for the daemon's answer {@code s}: the JSON as it is, or the
     * table (handshake ages counted to {@code now}). The daemon renders it too, for the CLI's
     * fast path (see {@link #handle}), so both print the same bytes.
     */
    static String text(JsonNode s, boolean json, Instant now) {
        return json ? s.toPrettyString() + "\n" : table(s, now);
    }

    private static String table(JsonNode s, Instant now) {
        String state = s.path("state").asText();
        StringBuilder sb = new StringBuilder();
        sb.append("state: ").append(state);
        if (!s.path("detail").asText().isEmpty()) {
            sb.append(" (").append(s.path("detail").asText()).append(')');
        }
        sb.append("\ncontrol: ").append(s.path("controlUrl").asText()).append('\n');
        sb.append("networking: ").append(networking(s)).append('\n');
        s.path("health").forEach(w -> sb.append("health: ").append(w.asText()).append('\n'));
        if (!s.path("uplinks").isEmpty()) {
            List<String> uplinks = new ArrayList<>();
            s.path("uplinks").forEach(u -> uplinks.add(u.path("name").asText() + " (" + u.path("health").asText()
                    + (u.path("active").asBoolean() ? ", active" : "") + ")"));
            sb.append("uplinks: ").append(String.join(", ", uplinks)).append('\n');
        }
        for (JsonNode p : s.path("proxies")) {
            sb.append(p.path("kind").asText()).append(" proxy: ").append(p.hasNonNull("address")
                    ? p.path("address").asText() : p.path("port").asInt() == 0 ? "off" : p.path("problem").asText())
                    .append(p.path("port").asInt() != 0 && p.path("authentication").asBoolean()
                            ? " (username and password required)" : "").append('\n');
        }
        for (JsonNode served : s.path("serve")) {
            sb.append("serve: tailnet port ").append(served.path("tailnetPort").asInt()).append(" -> 127.0.0.1:")
                    .append(served.path("localPort").asInt()).append(" (").append(Serve.state(served)).append(")\n");
        }
        switch (state) {
            case "DOWN" -> sb.append("microlink is down; `microlink up` connects\n");
            case "NEEDS_LOGIN" -> sb.append(s.path("loginUrl").isTextual()
                    ? "to log in, visit " + s.path("loginUrl").asText() + "\n"
                    : "log in with `microlink up --auth-key ...`\n");
            default -> { }
        }
        if (s.path("self").isNull() || s.path("self").isMissingNode()) {
            return sb.toString();
        }
        if (s.hasNonNull("exitNodeProblem")) {
            sb.append("exit node: not used: ").append(s.path("exitNodeProblem").asText()).append('\n');
        } else if (s.hasNonNull("exitNode")) {
            sb.append("exit node: ").append(s.path("exitNode").asText()).append('\n');
        }
        if (s.path("portMapping").isObject()) {
            sb.append("port mapping: ").append(Netcheck.portMappingText(s.path("portMapping"))).append('\n');
        }
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("ADDRESS", "NAME", "ONLINE", "PATH", "HANDSHAKE", "RX", "TX", "ROUTES"));
        JsonNode self = s.path("self");
        rows.add(List.of(first(self.path("addresses")), self.path("name").asText(), "self", "-", "-", "-", "-",
                ownRoutes(self)));
        for (JsonNode p : s.path("peers")) {
            boolean hasTraffic = p.hasNonNull("rxBytes");
            rows.add(List.of(first(p.path("addresses")), p.path("name").asText(),
                    p.path("online").isBoolean() ? (p.path("online").asBoolean() ? "yes" : "no") : "?",
                    p.path("path").asText("-"),
                    p.hasNonNull("lastHandshake") ? Format.ago(Instant.parse(p.path("lastHandshake").asText()), now) : "-",
                    hasTraffic ? Format.bytes(p.path("rxBytes").asLong()) : "-",
                    hasTraffic ? Format.bytes(p.path("txBytes").asLong()) : "-", routes(p)));
        }
        return sb.append('\n').append(Format.table(rows)).toString();
    }

    /** A peer's subnet routes, then whether it offers the exit route (and is this node's exit node). */
    private static String routes(JsonNode p) {
        List<String> parts = new ArrayList<>();
        p.path("routes").forEach(r -> parts.add(r.asText()));
        if (p.path("exitNode").asBoolean()) {
            parts.add("EXIT NODE (in use)");
        } else if (p.path("exitNodeOption").asBoolean()) {
            parts.add("exit node");
        }
        return parts.isEmpty() ? "-" : String.join(", ", parts);
    }

    /** This node's advertised routes, each one control has not approved yet marked so. */
    static String ownRoutes(JsonNode self) {
        List<String> approved = new ArrayList<>();
        self.path("approvedRoutes").forEach(r -> approved.add(r.asText()));
        List<String> parts = new ArrayList<>();
        self.path("advertisedRoutes").forEach(r -> parts.add(approved.contains(r.asText()) ? r.asText()
                : r.asText() + " (not approved)"));
        return parts.isEmpty() ? "-" : String.join(", ", parts);
    }

    /** TUN or userspace, and a TUN device that was asked for but is not in use. */
    private static String networking(JsonNode s) {
        String device = s.path("tunDevice").asText("");
        if (s.path("tunActive").asBoolean()) {
            return "TUN (" + device + "): the OS reaches the tailnet directly";
        }
        if (device.isEmpty()) {
            return "userspace";
        }
        return s.path("state").asText().equals("DOWN") ? "TUN (" + device + ") once up"
                : "userspace: TUN device " + device + " could not be opened (the daemon log says why)";
    }

    private static String first(JsonNode addresses) {
        return addresses.isArray() && !addresses.isEmpty() ? addresses.get(0).asText() : "-";
    }

    @Override
    public String method() {
        return "status";
    }

    /**
     * The status object; with {@code render} ({@code table} or {@code json}) instead the text
     * the CLI prints, as a body after the reply line ({@link Reply#withBody}), so the CLI's fast
     * path needs no JSON parser and no table code.
     */
    @Override
    public Reply handle(ApiRequest request, Daemon daemon) throws ApiException {
        String render = request.optionalText("render");
        if (render != null && !render.equals("table") && !render.equals("json")) {
            throw new ApiException(ApiException.BAD_REQUEST, "'render' must be table or json");
        }
        ObjectNode status = status(daemon);
        if (render == null) {
            return Reply.of(status);
        }
        return Reply.withBody(text(status, render.equals("json"), Instant.now()));
    }

    private static ObjectNode status(Daemon daemon) {
        ObjectNode out = ApiProtocol.object()
                .put("state", daemon.stateName())
                .put("controlUrl", daemon.settings().controlUrl())
                .put("deviceName", daemon.deviceName());
        TailnetNode node = daemon.node().orElse(null);
        out.put("detail", node == null ? "" : node.stateDetail());
        out.put("loginUrl", daemon.loginUrl());
        out.put("tunDevice", daemon.tunDevice());
        out.put("tunActive", daemon.tunActive());
        (node == null ? List.<String>of() : node.healthWarnings()).forEach(out.putArray("health")::add);
        ArrayNode uplinks = out.putArray("uplinks");
        (node == null ? List.<UplinkStatus>of() : node.uplinks()).forEach(u -> uplinks.addObject()
                .put("name", u.name()).put("health", u.health().name().toLowerCase(Locale.ROOT)).put("active", u.active()));
        ArrayNode proxies = out.putArray("proxies");
        daemon.proxies().forEach(p -> proxies.addObject().put("kind", p.kind()).put("port", p.port())
                .put("address", p.address()).put("problem", p.problem()).put("authentication", p.authentication()));
        out.set("serve", Serve.json(daemon.served()));
        TailnetMap map = node == null ? null : node.tailnet();
        if (map == null || map.self().isEmpty()) {
            out.putNull("self");
            out.putArray("peers");
            return out;
        }
        Peer exitNode = node.exitNode().orElse(null);
        out.put("acceptRoutes", daemon.settings().acceptRoutes());
        out.put("exitNode", exitNode == null ? null : exitNode.shortName());
        out.put("exitNodeProblem", node.exitNodeProblem().orElse(null));
        ObjectNode selfJson = describe(map.self().orElseThrow());
        selfJson.put("nodeKey", String.valueOf(node.nodeKey()));
        node.advertisedRoutes().forEach(selfJson.putArray("advertisedRoutes")::add);
        node.approvedRoutes().forEach(selfJson.putArray("approvedRoutes")::add);
        out.set("self", selfJson);
        out.set("portMapping", Netcheck.portMapping(node.portMapping()));
        Map<String, PeerPathStatus> paths = node.peerPaths().stream()
                .collect(Collectors.toMap(PeerPathStatus::peer, Function.identity(), (a, b) -> a));
        ArrayNode peers = out.putArray("peers");
        map.peers().stream().sorted(Comparator.comparing(Peer::fqdn)).forEach(peer -> {
            ObjectNode p = describe(peer);
            if (peer.online().isEmpty()) {
                p.putNull("online");
            } else {
                p.put("online", peer.online().get());
            }
            p.put("os", peer.os().isEmpty() ? null : peer.os());
            p.put("lastSeen", peer.lastSeen().map(Instant::toString).orElse(null));
            PeerPathStatus path = paths.get(peer.fqdn());
            p.put("path", path == null ? null : path.path());
            p.put("lastHandshake", path == null || path.lastHandshake() == null ? null : path.lastHandshake().toString());
            if (path == null) {
                p.putNull("rxBytes");
                p.putNull("txBytes");
            } else {
                p.put("rxBytes", path.rxBytes());
                p.put("txBytes", path.txBytes());
            }
            peer.routes().forEach(p.putArray("routes")::add);
            peer.primaryRoutes().forEach(p.putArray("primaryRoutes")::add);
            p.put("exitNodeOption", peer.exitNode());
            p.put("exitNode", exitNode != null && exitNode.id() == peer.id());
            peers.add(p);
        });
        return out;
    }

    /** Name (short), FQDN (no trailing dot) and addresses (no prefix length). */
    private static ObjectNode describe(Peer n) {
        ObjectNode o = ApiProtocol.object().put("name", n.shortName()).put("fqdn", n.fqdn());
        ArrayNode a = o.putArray("addresses");
        Peers.addresses(n).forEach(a::add);
        return o;
    }
}
