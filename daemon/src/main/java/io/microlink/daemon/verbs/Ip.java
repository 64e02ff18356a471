package io.microlink.daemon.verbs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.microlink.Peer;
import io.microlink.TailnetNode;
import io.microlink.daemon.Daemon;
import io.microlink.daemon.api.ApiException;
import io.microlink.daemon.api.ApiProtocol;
import io.microlink.daemon.api.ApiRequest;
import io.microlink.daemon.api.Method;
import io.microlink.daemon.cli.CliException;
import io.microlink.daemon.cli.Context;
import io.microlink.daemon.cli.Options;
import io.microlink.daemon.cli.UsageException;
import io.microlink.daemon.cli.Verb;

/** {@code microlink ip [-4|-6] [PEER]}: this node's tailnet addresses, or a peer's, one per line. */
final class Ip implements Verb, Method {
    @Override
    public String name() {
        return "ip";
    }

    @Override
    public String arguments() {
        return "[PEER]";
    }

    @Override
    public String summary() {
        return "print this node's tailnet addresses, or a peer's";
    }

    @Override
    public Options options() {
        return new Options().flag("ipv4", "4", "only the IPv4 address").flag("ipv6", "6", "only the IPv6 address");
    }

    @Override
    public int run(Options.Parsed args, Context context) throws CliException, UsageException {
        if (args.positionals().size() > 1) {
            throw new UsageException("expected at most one PEER, got " + String.join(" ", args.positionals()));
        }
        if (args.flag("ipv4") && args.flag("ipv6")) {
            throw new UsageException("give -4 or -6, not both");
        }
        ObjectNode request = ApiProtocol.object().put("method", method());
        if (!args.positionals().isEmpty()) {
            request.put("peer", args.positionals().getFirst());
        }
        JsonNode r = context.api().call(request);
        int printed = 0;
        for (JsonNode a : r.path("addresses")) {
            boolean v6 = a.asText().contains(":");
            if (args.flag("ipv4") && v6 || args.flag("ipv6") && !v6) {
                continue;
            }
            context.io().out().println(a.asText());
            printed++;
        }
        if (printed == 0) {
            throw new CliException("no " + (args.flag("ipv4") ? "IPv4 " : args.flag("ipv6") ? "IPv6 " : "")
                    + "address for " + r.path("name").asText());
        }
        return 0;
    }

    @Override
    public String method() {
        return "ip";
    }

    @Override
    public Reply handle(ApiRequest request, Daemon daemon) throws ApiException {
        String peer = request.optionalText("peer");
        TailnetNode node = daemon.connectedNode();
        Peer n = peer == null ? node.tailnet().self().orElseThrow(() -> new ApiException(ApiException.NOT_CONNECTED,
                "control has not sent this node's addresses yet")) : Peers.find(node, peer);
        ObjectNode out = ApiProtocol.object().put("name", n.shortName());
        ArrayNode list = out.putArray("addresses");
        Peers.addresses(n).forEach(list::add);
        return Reply.of(out);
    }
}
