package io.microlink.daemon.verbs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.microlink.DerpRegion;
import io.microlink.NetcheckResult;
import io.microlink.PortMapping;
import io.microlink.TailnetMap;
import io.microlink.TailnetNode;
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
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

/**
 * {@code microlink netcheck}: a fresh measurement of this node's network, like
 * {@code tailscale netcheck}: UDP, the addresses the internet sees, the relays' latencies and
 * the home relay.
 */
final class Netcheck implements Verb, Method {
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(15);

    @Override
    public String name() {
        return "netcheck";
    }

    @Override
    public String arguments() {
        return "";
    }

    @Override
    public String summary() {
        return "measure the network: UDP, public IPv4/IPv6 endpoints, DERP latencies, home region";
    }

    @Override
    public Options options() {
        return new Options().flag("json", null, "print JSON instead of the report")
                .value("timeout", null, "DURATION", "how long the measurement may take (default 15s)");
    }

    @Override
    public int run(Options.Parsed args, Context context) throws CliException, UsageException {
        args.requirePositionals();
        Duration timeout = args.duration("timeout", DEFAULT_TIMEOUT);
        JsonNode r = context.api().call(ApiProtocol.object().put("method", method())
                .put("timeoutMs", timeout.toMillis()));
        if (args.flag("json")) {
            context.io().out().println(r.toPrettyString());
            return 0;
        }
        StringBuilder sb = new StringBuilder("Report:\n");
        sb.append("\t* UDP: ").append(r.path("udp").asBoolean()).append('\n');
        sb.append("\t* IPv4: ").append(endpoint(r.path("ipv4"))).append('\n');
        sb.append("\t* IPv6: ").append(endpoint(r.path("ipv6"))).append('\n');
        sb.append("\t* MappingVariesByDestIP: ").append(r.path("mappingVariesByDestination").isNull() ? "unknown"
                : r.path("mappingVariesByDestination").asBoolean()).append('\n');
        sb.append("\t* PortMapping: ").append(portMappingText(r.path("portMapping"))).append('\n');
        JsonNode home = r.path("home");
        sb.append("\t* Nearest DERP: ").append(home.isNull() ? "none" : home.path("name").asText()).append('\n');
        sb.append("\t* DERP latency:\n");
        for (JsonNode region : r.path("regions")) {
            sb.append("\t\t- ").append(region.path("code").asText()).append(": ")
                    .append(region.hasNonNull("latencyMs") ? Format.millis(region.path("latencyMs").asDouble()) : "-")
                    .append(" (").append(region.path("name").asText()).append(")\n");
        }
        context.io().out().print(sb);
        return 0;
    }

    private static String endpoint(JsonNode address) {
        return address.isTextual() ? "yes, " + address.asText() : "no";
    }

    @Override
    public String method() {
        return "netcheck";
    }

    @Override
    public Reply handle(ApiRequest request, Daemon daemon) throws ApiException, InterruptedException {
        Duration timeout = request.timeout(DEFAULT_TIMEOUT);
        TailnetNode node = daemon.connectedNode();
        NetcheckResult report;
        try {
            report = node.netcheck(timeout);
        } catch (IllegalStateException e) {
            throw new ApiException(ApiException.NOT_CONNECTED, e.getMessage());
        } catch (TimeoutException e) {
            throw new ApiException(ApiException.TIMEOUT, e.getMessage());
        }
        TailnetMap tailnet = node.tailnet();
        ObjectNode out = ApiProtocol.object().put("udp", report.udpWorks())
                .put("ipv4", text(report.globalV4())).put("ipv6", text(report.globalV6()));
        if (report.mappingVariesByDestination().isEmpty()) {
            out.putNull("mappingVariesByDestination");
        } else {
            out.put("mappingVariesByDestination", report.mappingVariesByDestination().get());
        }
        out.set("portMapping", portMapping(node.portMapping()));
        int home = node.homeDerpRegion();
        out.set("home", home == 0 ? null : region(tailnet.derpRegion(home).orElse(unnamed(home))));
        ArrayNode list = out.putArray("regions");
        Map<Integer, Duration> latencies = report.latencies();
        tailnet.derpRegions().stream()
                .sorted(Comparator.comparing((DerpRegion r) -> latencies.getOrDefault(r.id(), Duration.ofDays(1)))
                        .thenComparing(DerpRegion::id))
                .forEach(r -> {
                    ObjectNode o = region(r);
                    putMillis(o, "latencyMs", latencies.get(r.id()));
                    putMillis(o, "v4Ms", report.v4Latencies().get(r.id()));
                    putMillis(o, "v6Ms", report.v6Latencies().get(r.id()));
                    list.add(o);
                });
        return Reply.of(out);
    }

    /** A home region the DERP map no longer lists: shown by its ID. */
    private static DerpRegion unnamed(int id) {
        return new DerpRegion(id, Integer.toString(id), "");
    }

    private static ObjectNode region(DerpRegion r) {
        return ApiProtocol.object().put("id", r.id()).put("code", r.code()).put("name", r.name());
    }

    private static void putMillis(ObjectNode o, String field, Duration d) {
        if (d == null) {
            o.putNull(field);
        } else {
            o.put(field, d.toNanos() / 1e6);
        }
    }

    /** The gateway's mapping as status and netcheck report it: protocol and endpoint, or null. */
    static ObjectNode portMapping(Optional<PortMapping> mapping) {
        return mapping.map(m -> ApiProtocol.object().put("protocol", m.protocol())
                .put("endpoint", text(Optional.of(m.external())))).orElse(null);
    }

    /** {@link #portMapping}'s JSON for people: "198.51.100.7:41641 (PCP)", or "none". */
    static String portMappingText(JsonNode mapping) {
        return mapping.isObject() ? mapping.path("endpoint").asText() + " (" + mapping.path("protocol").asText() + ")"
                : "none";
    }

    private static String text(Optional<InetSocketAddress> endpoint) {
        return endpoint.map(a -> {
            String ip = a.getAddress().getHostAddress();
            return (ip.contains(":") ? "[" + ip + "]" : ip) + ":" + a.getPort();
        }).orElse(null);
    }
}
