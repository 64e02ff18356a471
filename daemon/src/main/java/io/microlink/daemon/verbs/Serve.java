package io.microlink.daemon.verbs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.microlink.daemon.Daemon;
import io.microlink.daemon.Serves;
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
import java.util.ArrayList;
import java.util.List;

/**
 * {@code microlink serve TAILNET_PORT LOCAL_PORT}: forward a TCP port of this node's tailnet
 * addresses to a server on 127.0.0.1, kept in the settings so it comes back after restarts;
 * {@code serve --off TAILNET_PORT} ends it and {@code serve status} lists them.
 */
final class Serve implements Verb, Method {
    @Override
    public String name() {
        return "serve";
    }

    @Override
    public String arguments() {
        return "TAILNET_PORT LOCAL_PORT | --off TAILNET_PORT | status";
    }

    @Override
    public String summary() {
        return "forward a tailnet TCP port to a server on 127.0.0.1, or list what is served";
    }

    @Override
    public String details() {
        return """
                Connections to TAILNET_PORT on this node's tailnet addresses go to 127.0.0.1:LOCAL_PORT.
                The served ports are saved in the settings and forwarded again after a restart, as
                soon as the node is up. The local server sees each connection come from
                127.0.0.1:<port>; `microlink whois 127.0.0.1:<port>` names the tailnet node and
                user calling. In TUN mode (`microlink daemon --tun`) nothing is forwarded: a server
                listening on the tailnet address is reachable directly.""";
    }

    @Override
    public Options options() {
        return new Options().flag("off", null, "stop serving TAILNET_PORT and forget it")
                .flag("json", null, "with status: print JSON");
    }

    @Override
    public int run(Options.Parsed args, Context context) throws CliException, UsageException {
        List<String> p = args.positionals();
        if (p.size() == 1 && p.getFirst().equals("status") && !args.flag("off")) {
            JsonNode served = context.api().call(ApiProtocol.object().put("method", "status")).path("serve");
            context.io().out().print(args.flag("json") ? served.toPrettyString() + "\n" : table(served));
            return 0;
        }
        ObjectNode request = ApiProtocol.object().put("method", method());
        if (args.flag("off")) {
            request.put("tailnetPort", port("TAILNET_PORT", args.requirePositionals("TAILNET_PORT").getFirst()))
                    .put("off", true);
            context.api().call(request);
            context.io().out().println("tailnet port " + request.path("tailnetPort").asInt() + " is no longer served");
            return 0;
        }
        List<String> ports = args.requirePositionals("TAILNET_PORT", "LOCAL_PORT");
        request.put("tailnetPort", port("TAILNET_PORT", ports.get(0))).put("localPort", port("LOCAL_PORT", ports.get(1)));
        JsonNode r = context.api().call(request);
        String what = "tailnet port " + r.path("tailnetPort").asInt() + " to 127.0.0.1:" + r.path("localPort").asInt();
        context.io().out().println(r.path("active").asBoolean() ? "serving " + what
                : "saved: forwarding " + what + " (" + r.path("problem").asText() + ")");
        return 0;
    }

    private static int port(String name, String text) throws UsageException {
        try {
            int n = Integer.parseInt(text);
            if (n >= 1 && n <= 65535) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException(name + " must be 1-65535, got '" + text + "'");
    }

    private static String table(JsonNode served) {
        if (served.isEmpty()) {
            return "nothing is served; `microlink serve TAILNET_PORT LOCAL_PORT` adds a port\n";
        }
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("TAILNET PORT", "LOCAL", "STATE"));
        for (JsonNode s : served) {
            rows.add(List.of(s.path("tailnetPort").asText(), "127.0.0.1:" + s.path("localPort").asText(),
                    state(s)));
        }
        return Format.table(rows);
    }

    /** {@code serving, 2 connections}, or why not. */
    static String state(JsonNode served) {
        int n = served.path("connections").asInt();
        return served.path("active").asBoolean() ? "serving, " + n + (n == 1 ? " connection" : " connections")
                : served.path("problem").asText();
    }

    /** The JSON of served ports, as {@code status} and this verb report them. */
    static ArrayNode json(List<Serves.Served> served) {
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        served.forEach(s -> out.add(json(s)));
        return out;
    }

    private static ObjectNode json(Serves.Served s) {
        return ApiProtocol.object().put("tailnetPort", s.tailnetPort()).put("localPort", s.localPort())
                .put("active", s.active()).put("connections", s.connections()).put("problem", s.problem());
    }

    @Override
    public String method() {
        return "serve";
    }

    @Override
    public Reply handle(ApiRequest request, Daemon daemon) throws ApiException {
        int tailnetPort = request.integer("tailnetPort", 0, 1, 65535);
        if (tailnetPort == 0) {
            throw new ApiException(ApiException.BAD_REQUEST, "'tailnetPort' is required");
        }
        if (request.bool("off")) {
            daemon.unserve(tailnetPort);
            return Reply.of(ApiProtocol.object().put("tailnetPort", tailnetPort).put("off", true));
        }
        int localPort = request.integer("localPort", 0, 1, 65535);
        if (localPort == 0) {
            throw new ApiException(ApiException.BAD_REQUEST, "'localPort' is required (or 'off': true)");
        }
        return Reply.of(json(daemon.serve(tailnetPort, localPort)));
    }
}
