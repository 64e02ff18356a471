package io.microlink.daemon.verbs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.microlink.AddressText;
import io.microlink.TailnetNode;
import io.microlink.WhoIs;
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
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code microlink whois IP[:PORT]}: the tailnet node and user owning a tailnet address, or,
 * for {@code 127.0.0.1:PORT}, the one calling on a served port: a local server behind
 * {@code microlink serve} asks with the address its client connected from.
 */
final class Whois implements Verb, Method {
    /** {@code [v6]:port}, {@code v4:port}, or a bare address. */
    private static final Pattern BRACKETED = Pattern.compile("\\[([^\\]]+)\\](?::(\\d{1,5}))?");
    private static final Pattern V4_PORT = Pattern.compile("([0-9.]+):(\\d{1,5})");
    /** Four decimal octets: {@code InetAddress.ofLiteral} would also take {@code 1.2.3} and {@code 1}. */
    private static final Pattern DOTTED_QUAD = Pattern.compile("((0|[1-9][0-9]{0,2})\\.){3}(0|[1-9][0-9]{0,2})");

    @Override
    public String name() {
        return "whois";
    }

    @Override
    public String arguments() {
        return "IP[:PORT]";
    }

    @Override
    public String summary() {
        return "show the tailnet node and user owning an address, or calling on a served port";
    }

    @Override
    public String details() {
        return """
                IP is a tailnet address (100.x.y.z or fd7a:115c:a1e0::...; IPv6 with a port as
                [IP]:PORT). For 127.0.0.1:PORT, the address a local server behind `microlink serve`
                sees its client connect from, it names the tailnet node and user calling through
                that connection, while it is open. --json prints {address, servedPort, node {id,
                name, shortName, addresses, tags, self}, user {id, loginName, displayName}}.""";
    }

    @Override
    public Options options() {
        return new Options().flag("json", null, "print JSON instead of text");
    }

    @Override
    public int run(Options.Parsed args, Context context) throws CliException, UsageException {
        String target = args.requirePositionals("IP[:PORT]").getFirst();
        InetSocketAddress address = parse(target);
        ObjectNode request = ApiProtocol.object().put("method", method())
                .put("address", address.getAddress().getHostAddress());
        if (address.getPort() != 0) {
            request.put("port", address.getPort());
        } else if (address.getAddress().isLoopbackAddress()) {
            throw new UsageException(target + " is this machine: give the port its client connects from, as"
                    + " a local server sees it, e.g. whois 127.0.0.1:41234");
        }
        JsonNode r = context.api().call(request);
        context.io().out().print(args.flag("json") ? r.toPrettyString() + "\n" : text(r));
        return 0;
    }

    /** An IP literal with an optional port (0 when none); names are not looked up. */
    static InetSocketAddress parse(String text) throws UsageException {
        String host = text;
        String port = null;
        Matcher m = BRACKETED.matcher(text);
        Matcher v4 = V4_PORT.matcher(text);
        if (m.matches()) {
            host = m.group(1);
            port = m.group(2);
        } else if (v4.matches()) {
            host = v4.group(1);
            port = v4.group(2);
        }
        InetAddress ip;
        try {
            if (!host.contains(":") && !DOTTED_QUAD.matcher(host).matches()) {
                throw new IllegalArgumentException(host);
            }
            ip = InetAddress.ofLiteral(host);
        } catch (IllegalArgumentException e) {
            throw new UsageException("expected an IP address, optionally with :PORT ([IPv6]:PORT), got '" + text + "'");
        }
        int p = port == null ? 0 : Integer.parseInt(port);
        if (port != null && (p < 1 || p > 65535)) {
            throw new UsageException("PORT must be 1-65535, got " + port);
        }
        return new InetSocketAddress(ip, p);
    }

    private static String text(JsonNode r) {
        JsonNode node = r.path("node");
        JsonNode user = r.path("user");
        StringBuilder sb = new StringBuilder();
        if (r.hasNonNull("servedPort")) {
            sb.append("Calling on served tailnet port ").append(r.path("servedPort").asInt()).append("\n\n");
        }
        sb.append("Machine:\n");
        line(sb, "Name", node.path("name").asText() + (node.path("self").asBoolean() ? " (this node)" : ""));
        line(sb, "ID", node.path("id").asText());
        line(sb, "Addresses", join(node.path("addresses")));
        line(sb, "Tags", join(node.path("tags")));
        sb.append("User:\n");
        line(sb, "Login", user.path("loginName").asText());
        line(sb, "Name", user.path("displayName").asText());
        line(sb, "ID", user.path("id").asText());
        return sb.toString();
    }

    private static void line(StringBuilder sb, String label, String value) {
        sb.append(String.format(Locale.ROOT, "  %-11s%s%n", label + ":", value.isEmpty() ? "-" : value));
    }

    private static String join(JsonNode texts) {
        List<String> all = new ArrayList<>();
        texts.forEach(t -> all.add(t.asText()));
        return String.join(", ", all);
    }

    @Override
    public String method() {
        return "whois";
    }

    @Override
    public Reply handle(ApiRequest request, Daemon daemon) throws ApiException {
        InetAddress ip;
        try {
            ip = InetAddress.ofLiteral(request.text("address"));
        } catch (IllegalArgumentException e) {
            throw new ApiException(ApiException.BAD_REQUEST, "'address' must be an IP address");
        }
        int port = request.integer("port", 0, 0, 65535);
        Optional<Map.Entry<Integer, WhoIs>> served = port == 0 ? Optional.empty()
                : daemon.servedCaller(new InetSocketAddress(ip, port));
        if (served.isPresent()) {
            return Reply.of(describe(ip, port, served.get().getValue()).put("servedPort", served.get().getKey()));
        }
        if (ip.isLoopbackAddress()) {
            String shown = ip instanceof Inet6Address ? "[" + AddressText.of(ip) + "]" : AddressText.of(ip);
            throw new ApiException(ApiException.UNKNOWN_PEER, "no served connection comes from " + shown
                    + (port == 0 ? "" : ":" + port)
                    + " now (it may have closed; `microlink serve status` lists the served ports)");
        }
        TailnetNode node = daemon.connectedNode();
        WhoIs who = node.whois(ip).orElseThrow(() -> new ApiException(ApiException.UNKNOWN_PEER,
                "no node of the tailnet has the address " + AddressText.of(ip)));
        return Reply.of(describe(ip, port, who).putNull("servedPort"));
    }

    private static ObjectNode describe(InetAddress ip, int port, WhoIs who) {
        ObjectNode out = ApiProtocol.object().put("address", AddressText.of(ip));
        if (port != 0) {
            out.put("port", port);
        }
        ObjectNode node = out.putObject("node").put("id", who.nodeId()).put("name", who.name())
                .put("shortName", who.shortName());
        ArrayNode addresses = node.putArray("addresses");
        who.addresses().forEach(a -> addresses.add(AddressText.of(a)));
        ArrayNode tags = node.putArray("tags");
        who.tags().forEach(tags::add);
        node.put("self", who.self());
        out.putObject("user").put("id", who.userId()).put("loginName", who.loginName())
                .put("displayName", who.displayName());
        return out;
    }
}
