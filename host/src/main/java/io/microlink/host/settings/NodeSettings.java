package io.microlink.host.settings;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.microlink.AddressText;
import io.microlink.TailnetNode;
import io.microlink.host.proxy.ProxyCredentials;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * What a person chose for their node, persisted in {@code settings.json} by
 * {@link SettingsStore}: where to log in, how to be named, and how the node behaves. Every
 * value is checked when the record is made, so a {@code NodeSettings} that exists is valid;
 * a broken one throws {@link InvalidSettingsException} listing every problem. Each
 * {@link Field} says whether changing it needs a node restart.
 *
 * <pre>{@code
 * NodeSettings s = NodeSettings.defaults()
 *         .withChanges(json("{\"controlUrl\":\"https://hs.example.com\",\"hostnamePrefix\":\"sensor\"}"));
 * s.deviceName(DeviceName.machineSuffix());     // "sensor-a1b2c3"
 * s.toJson(false);                               // for people: {"authKeySet":false, "proxyPasswordSet":false, ...}
 * }</pre>
 *
 * @param controlUrl     the control server: Tailscale's or a headscale, {@code http(s)://host[:port][/path]}
 * @param authKey        a pre-auth key used when the node must register; a secret, never in
 *                       {@code toString} or in {@code toJson(false)}; or {@code file:/ABSOLUTE/PATH},
 *                       a file read each time the key is needed (the reference is no secret, so it
 *                       may stay saved; see {@link #authKeyFile()}); null when none
 * @param hostname       the full device name (a DNS label), or null to use {@code hostnamePrefix}
 * @param hostnamePrefix a name prefix completed with this machine's suffix, or null to use {@code hostname}
 * @param wantRunning    whether the node should be connected ({@code up}) or not ({@code down})
 * @param maxActivePeers WireGuard sessions held at once, 1-65536
 * @param priorityPeer   the peer whose session is never evicted, or null
 * @param discoAllowlist the peers probed for direct paths; empty probes every peer
 * @param udpPort        the UDP port for WireGuard, DISCO and STUN; 0 picks a free one
 * @param debug          diagnostic switches
 * @param webEnabled     whether the node serves its web page and API
 * @param webPort        the web page's port on the tailnet addresses
 * @param webLocalPort   the web page's port on 127.0.0.1; 0 for none
 * @param webGuestsReadOnly whether other tailnet users may see the web page read-only (else they get nothing)
 * @param webMetricsOnTailnet whether the web server serves {@code /metrics} on the tailnet too (it always does
 *                       on 127.0.0.1, with the page's token); off by default
 * @param socks5Port     the SOCKS5 proxy's port on 127.0.0.1 (into the tailnet); 0 (the default) for none
 * @param httpProxyPort  the HTTP proxy's port on 127.0.0.1 (CONNECT and plain {@code http://}); 0 (the default)
 *                       for none
 * @param proxyUsername  the username the proxies ask for, or null for none (then anyone who can connect
 *                       to them may use them)
 * @param proxyPassword  the password that goes with {@code proxyUsername}; a secret, like {@code authKey}
 * @param serve          tailnet TCP ports forwarded to 127.0.0.1 ports ({@code {"22": 2222}}), at most
 *                       {@value #MAX_SERVES}
 * @param dnsUpstreams   resolvers (IP or IP:port, at most {@value #MAX_DNS_UPSTREAMS}) for the names MagicDNS
 *                       forwards when the tailnet's DNS config has none for them; empty for none
 * @param acceptRoutes   whether peers' approved subnet routes are used ({@code up --accept-routes})
 * @param exitNode       the peer (name, FQDN, tailnet IP or node key) that carries traffic for addresses
 *                       outside the tailnet, or null for none ({@code up --exit-node})
 * @param exitNodeAllowLanAccess with an exit node, whether this host's own networks stay off it
 * @param advertiseRoutes the subnets this node offers the tailnet as a subnet router, CIDR prefixes
 *                       with no host bits set, at most {@value #MAX_ADVERTISED_ROUTES} ({@code up --advertise-routes})
 * @param advertiseExitNode whether this node offers to be an exit node ({@code up --advertise-exit-node})
 * @param snatSubnetRoutes TUN mode: whether hosts on the advertised routes see this host's address (masquerade,
 *                       the default) rather than the peer's ({@code up --snat-subnet-routes})
 * @param acceptDns      TUN mode: whether the host's resolver is pointed at MagicDNS while the node runs (the
 *                       default; {@code up --accept-dns})
 */
public record NodeSettings(String controlUrl, String authKey, String hostname, String hostnamePrefix,
                           boolean wantRunning, int maxActivePeers, String priorityPeer, List<String> discoAllowlist,
                           int udpPort, Set<DebugFlag> debug, boolean webEnabled, int webPort, int webLocalPort,
                           boolean webGuestsReadOnly, boolean webMetricsOnTailnet, int socks5Port,
                           int httpProxyPort, String proxyUsername, String proxyPassword,
                           Map<Integer, Integer> serve, List<String> dnsUpstreams,
                           boolean acceptRoutes, String exitNode, boolean exitNodeAllowLanAccess,
                           List<String> advertiseRoutes, boolean advertiseExitNode,
                           boolean snatSubnetRoutes, boolean acceptDns) {
    /** Where a fresh node logs in: Tailscale's service. */
    public static final String DEFAULT_CONTROL_URL = "https://controlplane.tailscale.com";
    public static final String DEFAULT_HOSTNAME_PREFIX = "microlink";
    public static final int DEFAULT_MAX_ACTIVE_PEERS = 1024;
    public static final int DEFAULT_WEB_PORT = 80;
    public static final int DEFAULT_WEB_LOCAL_PORT = 8088;
    public static final int MAX_SERVES = 64;
    public static final int MAX_DNS_UPSTREAMS = TailnetNode.MAX_DNS_UPSTREAMS;
    public static final int MAX_ADVERTISED_ROUTES = 256;
    /** The longest prefix text there is (a full IPv6 address and /128) and room to spare. */
    private static final int MAX_ROUTE_TEXT = 64;
    /** The suffix {@link #deviceName} appends is a dash and six hex digits. */
    private static final int SUFFIX_LENGTH = 7;
    private static final int MAX_NAME = 253;
    private static final int MAX_AUTH_KEY = 512;
    /** How an auth key setting names a file that holds the key, as {@code tailscale up --auth-key=file:PATH} does. */
    public static final String AUTH_KEY_FILE_PREFIX = "file:";
    private static final int MAX_PATH = 4096;
    private static final int MAX_ALLOWLIST = 4096;
    private static final int DNS_PORT = 53;
    private static final Pattern DNS_LABEL = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
    private static final Pattern PEER_REF = Pattern.compile("[^\\s\\p{Cntrl}]{1," + MAX_NAME + "}");

    /** Every setting: its JSON name, whether a running node must restart to apply a change, and its value. */
    public enum Field {
        CONTROL_URL("controlUrl", true, Kind.TEXT, NodeSettings::controlUrl),
        AUTH_KEY("authKey", false, Kind.TEXT, NodeSettings::authKey),
        HOSTNAME("hostname", true, Kind.TEXT, NodeSettings::hostname),
        HOSTNAME_PREFIX("hostnamePrefix", true, Kind.TEXT, NodeSettings::hostnamePrefix),
        WANT_RUNNING("wantRunning", false, Kind.BOOLEAN, NodeSettings::wantRunning),
        MAX_ACTIVE_PEERS("maxActivePeers", true, Kind.INT, NodeSettings::maxActivePeers),
        PRIORITY_PEER("priorityPeer", true, Kind.TEXT, NodeSettings::priorityPeer),
        // Applied to a running node by TailnetNode.setDiscoAllowlist.
        DISCO_ALLOWLIST("discoAllowlist", false, Kind.TEXT_LIST, NodeSettings::discoAllowlist),
        UDP_PORT("udpPort", true, Kind.INT, NodeSettings::udpPort),
        DEBUG("debug", false, Kind.DEBUG_FLAGS, NodeSettings::debug),
        // The web server listens on the node's tailnet address, so it starts and stops with the node.
        WEB_ENABLED("webEnabled", true, Kind.BOOLEAN, NodeSettings::webEnabled),
        WEB_PORT("webPort", true, Kind.INT, NodeSettings::webPort),
        WEB_LOCAL_PORT("webLocalPort", true, Kind.INT, NodeSettings::webLocalPort),
        WEB_GUESTS_READ_ONLY("webGuestsReadOnly", true, Kind.BOOLEAN, NodeSettings::webGuestsReadOnly),
        WEB_METRICS_ON_TAILNET("webMetricsOnTailnet", true, Kind.BOOLEAN, NodeSettings::webMetricsOnTailnet),
        SOCKS5_PORT("socks5Port", false, Kind.INT, NodeSettings::socks5Port),
        HTTP_PROXY_PORT("httpProxyPort", false, Kind.INT, NodeSettings::httpProxyPort),
        PROXY_USERNAME("proxyUsername", false, Kind.TEXT, NodeSettings::proxyUsername),
        PROXY_PASSWORD("proxyPassword", false, Kind.TEXT, NodeSettings::proxyPassword),
        SERVE("serve", false, Kind.PORT_MAP, NodeSettings::serve),
        DNS_UPSTREAMS("dnsUpstreams", true, Kind.TEXT_LIST, NodeSettings::dnsUpstreams),
        ACCEPT_ROUTES("acceptRoutes", true, Kind.BOOLEAN, NodeSettings::acceptRoutes),
        EXIT_NODE("exitNode", true, Kind.TEXT, NodeSettings::exitNode),
        EXIT_NODE_ALLOW_LAN_ACCESS("exitNodeAllowLanAccess", true, Kind.BOOLEAN, NodeSettings::exitNodeAllowLanAccess),
        ADVERTISE_ROUTES("advertiseRoutes", true, Kind.TEXT_LIST, NodeSettings::advertiseRoutes),
        ADVERTISE_EXIT_NODE("advertiseExitNode", true, Kind.BOOLEAN, NodeSettings::advertiseExitNode),
        SNAT_SUBNET_ROUTES("snatSubnetRoutes", true, Kind.BOOLEAN, NodeSettings::snatSubnetRoutes),
        ACCEPT_DNS("acceptDns", true, Kind.BOOLEAN, NodeSettings::acceptDns);

        private final String jsonName;
        private final boolean needsRestart;
        private final Kind kind;
        private final Function<NodeSettings, Object> value;

        Field(String jsonName, boolean needsRestart, Kind kind, Function<NodeSettings, Object> value) {
            this.jsonName = jsonName;
            this.needsRestart = needsRestart;
            this.kind = kind;
            this.value = value;
        }

        public String jsonName() {
            return jsonName;
        }

        /** Whether a running node applies a new value only after a restart (its network identity or wiring changes). */
        public boolean needsRestart() {
            return needsRestart;
        }

        /** Whether the value is a secret, shown to people only as set or not set. */
        public boolean secret() {
            return this == AUTH_KEY || this == PROXY_PASSWORD;
        }

        public Object valueIn(NodeSettings settings) {
            return value.apply(settings);
        }

        public static Optional<Field> byJsonName(String name) {
            return Arrays.stream(values()).filter(f -> f.jsonName.equals(name)).findFirst();
        }
    }

    private enum Kind { TEXT, BOOLEAN, INT, TEXT_LIST, DEBUG_FLAGS, PORT_MAP }

    public NodeSettings {
        controlUrl = blankToNull(controlUrl);
        authKey = blankToNull(authKey);
        hostname = blankToNull(hostname);
        hostnamePrefix = blankToNull(hostnamePrefix);
        priorityPeer = blankToNull(priorityPeer);
        exitNode = blankToNull(exitNode);
        proxyUsername = blankToNull(proxyUsername);
        // Not stripped: spaces around a password are part of it as the client sends it.
        proxyPassword = proxyPassword == null || proxyPassword.isEmpty() ? null : proxyPassword;
        discoAllowlist = discoAllowlist == null ? List.of() : List.copyOf(new LinkedHashSet<>(discoAllowlist));
        debug = debug == null || debug.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(debug));
        serve = serve == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(serve));
        dnsUpstreams = dnsUpstreams == null ? List.of() : List.copyOf(new LinkedHashSet<>(dnsUpstreams));
        advertiseRoutes = advertiseRoutes == null ? List.of() : List.copyOf(new LinkedHashSet<>(advertiseRoutes));
        List<InvalidSettingsException.Problem> problems = new ArrayList<>();
        checkControlUrl(controlUrl, problems);
        checkAuthKey(authKey, problems);
        checkNames(hostname, hostnamePrefix, problems);
        check(maxActivePeers >= 1 && maxActivePeers <= 65536, Field.MAX_ACTIVE_PEERS,
                "must be 1-65536, got " + maxActivePeers, problems);
        check(priorityPeer == null || PEER_REF.matcher(priorityPeer).matches(), Field.PRIORITY_PEER,
                "must be a peer's name, FQDN, tailnet IP or node key: 1-" + MAX_NAME + " characters, no spaces",
                problems);
        check(exitNode == null || PEER_REF.matcher(exitNode).matches(), Field.EXIT_NODE,
                "must be a peer's name, FQDN, tailnet IP or node key: 1-" + MAX_NAME + " characters, no spaces",
                problems);
        check(discoAllowlist.size() <= MAX_ALLOWLIST, Field.DISCO_ALLOWLIST,
                "holds at most " + MAX_ALLOWLIST + " peers, got " + discoAllowlist.size(), problems);
        for (String peer : discoAllowlist) {
            check(peer != null && PEER_REF.matcher(peer).matches(), Field.DISCO_ALLOWLIST,
                    "entries must be peer names, FQDNs, tailnet IPs or node keys without spaces, got '" + peer + "'",
                    problems);
        }
        check(udpPort >= 0 && udpPort <= 65535, Field.UDP_PORT, "must be 0-65535 (0: any free port), got " + udpPort,
                problems);
        check(webPort >= 1 && webPort <= 65535, Field.WEB_PORT, "must be 1-65535, got " + webPort, problems);
        check(webLocalPort >= 0 && webLocalPort <= 65535, Field.WEB_LOCAL_PORT,
                "must be 0-65535 (0: not on localhost), got " + webLocalPort, problems);
        checkProxyPort(Field.SOCKS5_PORT, socks5Port, Map.of(Field.WEB_LOCAL_PORT, webLocalPort), problems);
        checkProxyPort(Field.HTTP_PROXY_PORT, httpProxyPort, Map.of(Field.WEB_LOCAL_PORT, webLocalPort,
                Field.SOCKS5_PORT, socks5Port), problems);
        checkProxyCredentials(proxyUsername, proxyPassword, problems);
        checkServe(serve, webEnabled ? webPort : 0, reservedLocalPorts(webEnabled, webLocalPort, socks5Port,
                httpProxyPort), problems);
        check(dnsUpstreams.size() <= MAX_DNS_UPSTREAMS, Field.DNS_UPSTREAMS,
                "holds at most " + MAX_DNS_UPSTREAMS + " resolvers, got " + dnsUpstreams.size(), problems);
        for (String upstream : dnsUpstreams) {
            check(AddressText.socketAddress(upstream, DNS_PORT).isPresent(), Field.DNS_UPSTREAMS,
                    "entries must be IP addresses with an optional port (192.0.2.53, [2001:db8::53]:5353), got '"
                            + abbreviate(String.valueOf(upstream)) + "'", problems);
        }
        checkAdvertisedRoutes(advertiseRoutes, advertiseExitNode, exitNode, problems);
        if (!problems.isEmpty()) {
            throw new InvalidSettingsException(problems);
        }
    }

    /** The node's own check ({@link TailnetNode.Builder#advertiseRoutes}), so the two never disagree. */
    private static void checkAdvertisedRoutes(List<String> routes, boolean exitNode, String useExitNode,
                                              List<InvalidSettingsException.Problem> problems) {
        if (routes.size() > MAX_ADVERTISED_ROUTES) {
            problems.add(new InvalidSettingsException.Problem(Field.ADVERTISE_ROUTES.jsonName,
                    "holds at most " + MAX_ADVERTISED_ROUTES + " routes, got " + routes.size()));
            return;
        }
        for (String route : routes) {
            if (route == null || route.length() > MAX_ROUTE_TEXT) {
                problems.add(new InvalidSettingsException.Problem(Field.ADVERTISE_ROUTES.jsonName,
                        "entries must be CIDR prefixes such as 192.168.50.0/24, got '"
                                + abbreviate(String.valueOf(route)) + "'"));
                return;
            }
        }
        TailnetNode.Builder node = TailnetNode.builder();
        try {
            node.advertiseRoutes(routes, exitNode);
        } catch (IllegalArgumentException e) {
            problems.add(new InvalidSettingsException.Problem(Field.ADVERTISE_ROUTES.jsonName, e.getMessage()));
            return;
        }
        try {
            node.exitNode(useExitNode); // tailscale's rule: not an exit node and using one
        } catch (IllegalArgumentException e) {
            Field offered = exitNode ? Field.ADVERTISE_EXIT_NODE : Field.ADVERTISE_ROUTES;
            problems.add(new InvalidSettingsException.Problem(offered.jsonName, e.getMessage()));
        }
    }

    /** {@link #dnsUpstreams} as socket addresses (port 53 where none is given). */
    public List<InetSocketAddress> dnsUpstreamAddresses() {
        return dnsUpstreams.stream().map(u -> AddressText.socketAddress(u, DNS_PORT).orElseThrow()).toList();
    }

    /**
     * A fresh node's settings: Tailscale's control server, named {@code microlink-XXXXXX}, down
     * until {@code up}, local proxies off (as tailscaled's are: any local process could use them).
     */
    public static NodeSettings defaults() {
        return new NodeSettings(DEFAULT_CONTROL_URL, null, null, DEFAULT_HOSTNAME_PREFIX, false,
                DEFAULT_MAX_ACTIVE_PEERS, null, List.of(), 0, Set.of(), true, DEFAULT_WEB_PORT, DEFAULT_WEB_LOCAL_PORT,
                false, false, 0, 0, null, null, Map.of(), List.of(), false, null, false, List.of(), false, true,
                true);
    }

    /** The file that holds the auth key, when {@link #authKey()} names one rather than being the key. */
    public Optional<Path> authKeyFile() {
        return authKey != null && authKey.startsWith(AUTH_KEY_FILE_PREFIX)
                ? Optional.of(Path.of(authKey.substring(AUTH_KEY_FILE_PREFIX.length())))
                : Optional.empty();
    }

    /**
     * These settings with the values of {@code patch} (a JSON object of settings by their
     * JSON names; {@code null} or {@code ""} clears a text setting) applied. Setting
     * {@code hostname} clears {@code hostnamePrefix} and the other way round, unless the patch
     * names both.
     *
     * @throws InvalidSettingsException for unknown names, wrong types and values out of range, all at once
     */
    public NodeSettings withChanges(JsonNode patch) {
        List<InvalidSettingsException.Problem> problems = new ArrayList<>();
        if (patch == null || !patch.isObject()) {
            throw new InvalidSettingsException(List.of(new InvalidSettingsException.Problem(null,
                    "settings must be a JSON object")));
        }
        Map<Field, Object> values = new EnumMap<>(Field.class);
        for (Field f : Field.values()) {
            values.put(f, f.valueIn(this));
        }
        patch.properties().forEach(e -> {
            Optional<Field> field = Field.byJsonName(e.getKey());
            if (field.isEmpty()) {
                problems.add(new InvalidSettingsException.Problem(e.getKey(), "is not a setting (known: "
                        + String.join(", ", Arrays.stream(Field.values()).map(Field::jsonName).toList()) + ")"));
                return;
            }
            values.put(field.get(), parse(field.get(), e.getValue(), problems));
        });
        if (!problems.isEmpty()) {
            throw new InvalidSettingsException(problems);
        }
        if (patch.has(Field.HOSTNAME.jsonName) && !patch.has(Field.HOSTNAME_PREFIX.jsonName)
                && values.get(Field.HOSTNAME) != null) {
            values.put(Field.HOSTNAME_PREFIX, null);
        }
        if (patch.has(Field.HOSTNAME_PREFIX.jsonName) && !patch.has(Field.HOSTNAME.jsonName)
                && values.get(Field.HOSTNAME_PREFIX) != null) {
            values.put(Field.HOSTNAME, null);
        }
        return fromValues(values);
    }

    /**
     * These settings as JSON. With {@code withSecrets} false (for people: web pages, the
     * CLI) each secret (the auth key, the proxy password) appears only as
     * {@code "authKeySet": true|false}, {@code "proxyPasswordSet"}; with true (for
     * the settings file) it appears as it is.
     */
    public ObjectNode toJson(boolean withSecrets) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        for (Field f : Field.values()) {
            Object v = f.valueIn(this);
            if (f.secret() && !withSecrets) {
                out.put(f.jsonName + "Set", v != null);
                continue;
            }
            switch (v) {
                case null -> out.putNull(f.jsonName);
                case String s -> out.put(f.jsonName, s);
                case Boolean b -> out.put(f.jsonName, b);
                case Integer i -> out.put(f.jsonName, i);
                case List<?> list -> {
                    ArrayNode a = out.putArray(f.jsonName);
                    list.forEach(s -> a.add((String) s));
                }
                case Set<?> flags -> {
                    ArrayNode a = out.putArray(f.jsonName);
                    flags.forEach(flag -> a.add(((DebugFlag) flag).jsonName()));
                }
                case Map<?, ?> ports -> {
                    ObjectNode o = out.putObject(f.jsonName);
                    ports.forEach((from, to) -> o.put(String.valueOf(from), (Integer) to));
                }
                default -> throw new IllegalStateException("no JSON form for " + v.getClass());
            }
        }
        return out;
    }

    /**
     * These settings with the values of {@code fields} taken from {@code other}: e.g. what a
     * running node is using after it applied some saved changes without a restart.
     */
    public NodeSettings withValuesOf(NodeSettings other, Set<Field> fields) {
        Map<Field, Object> values = new EnumMap<>(Field.class);
        for (Field f : Field.values()) {
            values.put(f, f.valueIn(fields.contains(f) ? other : this));
        }
        return fromValues(values);
    }

    /** The settings whose values differ between these and {@code other}. */
    public Set<Field> changedFrom(NodeSettings other) {
        Set<Field> changed = EnumSet.noneOf(Field.class);
        for (Field f : Field.values()) {
            if (!Objects.equals(f.valueIn(this), f.valueIn(other))) {
                changed.add(f);
            }
        }
        return changed;
    }

    /** Whether a node running with {@code other} must restart to run with these. */
    public boolean needsRestartFrom(NodeSettings other) {
        return changedFrom(other).stream().anyMatch(Field::needsRestart);
    }

    /** The name the node registers with: {@code hostname}, or {@code hostnamePrefix-suffix}. */
    public String deviceName(String machineSuffix) {
        return hostname != null ? hostname : hostnamePrefix + "-" + machineSuffix;
    }

    @Override
    public String toString() {
        return "NodeSettings" + toJson(false);
    }

    private static NodeSettings fromValues(Map<Field, Object> v) {
        @SuppressWarnings("unchecked")
        List<String> allowlist = (List<String>) v.get(Field.DISCO_ALLOWLIST);
        @SuppressWarnings("unchecked")
        Set<DebugFlag> debug = (Set<DebugFlag>) v.get(Field.DEBUG);
        @SuppressWarnings("unchecked")
        Map<Integer, Integer> serve = (Map<Integer, Integer>) v.get(Field.SERVE);
        @SuppressWarnings("unchecked")
        List<String> dnsUpstreams = (List<String>) v.get(Field.DNS_UPSTREAMS);
        @SuppressWarnings("unchecked")
        List<String> advertiseRoutes = (List<String>) v.get(Field.ADVERTISE_ROUTES);
        return new NodeSettings((String) v.get(Field.CONTROL_URL), (String) v.get(Field.AUTH_KEY),
                (String) v.get(Field.HOSTNAME), (String) v.get(Field.HOSTNAME_PREFIX),
                (Boolean) v.get(Field.WANT_RUNNING), (Integer) v.get(Field.MAX_ACTIVE_PEERS),
                (String) v.get(Field.PRIORITY_PEER), allowlist, (Integer) v.get(Field.UDP_PORT), debug,
                (Boolean) v.get(Field.WEB_ENABLED), (Integer) v.get(Field.WEB_PORT),
                (Integer) v.get(Field.WEB_LOCAL_PORT), (Boolean) v.get(Field.WEB_GUESTS_READ_ONLY),
                (Boolean) v.get(Field.WEB_METRICS_ON_TAILNET),
                (Integer) v.get(Field.SOCKS5_PORT), (Integer) v.get(Field.HTTP_PROXY_PORT),
                (String) v.get(Field.PROXY_USERNAME), (String) v.get(Field.PROXY_PASSWORD), serve, dnsUpstreams,
                (Boolean) v.get(Field.ACCEPT_ROUTES), (String) v.get(Field.EXIT_NODE),
                (Boolean) v.get(Field.EXIT_NODE_ALLOW_LAN_ACCESS), advertiseRoutes,
                (Boolean) v.get(Field.ADVERTISE_EXIT_NODE), (Boolean) v.get(Field.SNAT_SUBNET_ROUTES),
                (Boolean) v.get(Field.ACCEPT_DNS));
    }

    /** The typed value of one JSON setting; a type error goes to {@code problems} (the value is then null). */
    private static Object parse(Field f, JsonNode json, List<InvalidSettingsException.Problem> problems) {
        String type = switch (f.kind) {
            case TEXT -> json.isNull() || json.isTextual() ? null : "a string or null";
            case BOOLEAN -> json.isBoolean() ? null : "true or false";
            case INT -> json.isIntegralNumber() && json.canConvertToInt() ? null : "a whole number";
            case TEXT_LIST, DEBUG_FLAGS -> json.isArray() && allText(json) ? null : "a list of strings";
            case PORT_MAP -> json.isObject() && isPortMap(json) ? null
                    : "an object of tailnet ports to local ports, e.g. {\"22\": 2222}";
        };
        if (type != null) {
            problems.add(new InvalidSettingsException.Problem(f.jsonName, "must be " + type
                    + (f.secret() ? "" : ", got " + abbreviate(json.toString()))));
            return null;
        }
        return switch (f.kind) {
            case TEXT -> json.isNull() ? null : json.asText();
            case BOOLEAN -> json.asBoolean();
            case INT -> json.asInt();
            case TEXT_LIST -> {
                List<String> list = new ArrayList<>();
                json.forEach(e -> list.add(e.asText()));
                yield list;
            }
            case DEBUG_FLAGS -> {
                Set<DebugFlag> flags = EnumSet.noneOf(DebugFlag.class);
                for (JsonNode e : json) {
                    Optional<DebugFlag> flag = DebugFlag.byName(e.asText());
                    if (flag.isEmpty()) {
                        problems.add(new InvalidSettingsException.Problem(f.jsonName, "unknown debug flag '"
                                + abbreviate(e.asText()) + "' (known: " + String.join(", ",
                                Arrays.stream(DebugFlag.values()).map(DebugFlag::jsonName).toList()) + ")"));
                    }
                    flag.ifPresent(flags::add);
                }
                yield flags;
            }
            case PORT_MAP -> {
                Map<Integer, Integer> ports = new TreeMap<>();
                json.properties().forEach(e -> ports.put(Integer.parseInt(e.getKey()), e.getValue().asInt()));
                yield ports;
            }
        };
    }

    /** Decimal keys and whole-number values; their ranges are checked with the other rules. */
    private static boolean isPortMap(JsonNode object) {
        return object.properties().stream().allMatch(e -> e.getKey().matches("[0-9]{1,5}")
                && e.getValue().isIntegralNumber() && e.getValue().canConvertToInt());
    }

    private static boolean allText(JsonNode array) {
        for (JsonNode e : array) {
            if (!e.isTextual()) {
                return false;
            }
        }
        return true;
    }

    private static void checkControlUrl(String url, List<InvalidSettingsException.Problem> problems) {
        if (url == null) {
            problems.add(new InvalidSettingsException.Problem(Field.CONTROL_URL.jsonName,
                    "is required, e.g. " + DEFAULT_CONTROL_URL));
            return;
        }
        String bad;
        try {
            URI uri = new URI(url);
            bad = !"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) ? "must start with https:// or http://"
                    : uri.getHost() == null ? "has no host name"
                    : uri.getRawUserInfo() != null ? "must not hold a user name or password"
                    : uri.getRawQuery() != null || uri.getRawFragment() != null ? "must not have a query or fragment"
                    : null;
        } catch (URISyntaxException e) {
            bad = "is not a URL (" + e.getReason() + " at index " + e.getIndex() + ")";
        }
        if (bad != null) {
            problems.add(new InvalidSettingsException.Problem(Field.CONTROL_URL.jsonName, bad + ", got '"
                    + abbreviate(url) + "'"));
        }
    }

    private static void checkAuthKey(String key, List<InvalidSettingsException.Problem> problems) {
        if (key != null && key.startsWith(AUTH_KEY_FILE_PREFIX)) {
            String path = key.substring(AUTH_KEY_FILE_PREFIX.length());
            if (!path.startsWith("/") || path.length() > MAX_PATH || path.chars().anyMatch(Character::isISOControl)) {
                problems.add(new InvalidSettingsException.Problem(Field.AUTH_KEY.jsonName,
                        "a key file must be given as file:/absolute/path (at most " + MAX_PATH + " characters)"));
            }
            return;
        }
        // The key is a secret: the message describes it, never quotes it.
        if (key != null && (key.length() > MAX_AUTH_KEY
                || key.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c)))) {
            problems.add(new InvalidSettingsException.Problem(Field.AUTH_KEY.jsonName,
                    "must be at most " + MAX_AUTH_KEY + " characters without spaces or control characters"));
        }
    }

    private static void checkNames(String hostname, String prefix, List<InvalidSettingsException.Problem> problems) {
        if (hostname == null && prefix == null) {
            problems.add(new InvalidSettingsException.Problem(Field.HOSTNAME.jsonName,
                    "set hostname (a full device name) or hostnamePrefix (completed with this machine's suffix)"));
        } else if (hostname != null && prefix != null) {
            problems.add(new InvalidSettingsException.Problem(Field.HOSTNAME.jsonName,
                    "set hostname or hostnamePrefix, not both"));
        }
        if (hostname != null && !DNS_LABEL.matcher(hostname).matches()) {
            problems.add(new InvalidSettingsException.Problem(Field.HOSTNAME.jsonName, "must be a DNS label: 1-63"
                    + " letters, digits or '-', not starting or ending with '-', got '" + abbreviate(hostname) + "'"));
        }
        if (prefix != null && (prefix.length() > 63 - SUFFIX_LENGTH || !DNS_LABEL.matcher(prefix).matches())) {
            problems.add(new InvalidSettingsException.Problem(Field.HOSTNAME_PREFIX.jsonName, "must be 1-"
                    + (63 - SUFFIX_LENGTH) + " letters, digits or '-', not starting or ending with '-' (a dash and"
                    + " six hex digits are appended), got '" + abbreviate(prefix) + "'"));
        }
    }

    /** A local proxy port: 0 (off) or a port no other local listener of these settings uses. */
    private static void checkProxyPort(Field f, int port, Map<Field, Integer> others,
                                       List<InvalidSettingsException.Problem> problems) {
        if (port < 0 || port > 65535) {
            problems.add(new InvalidSettingsException.Problem(f.jsonName, "must be 0-65535 (0: off), got " + port));
            return;
        }
        others.forEach((other, used) -> check(port == 0 || port != used, f, "must differ from " + other.jsonName
                + " (both " + port + ")", problems));
    }

    /** Both or neither; each as the proxies accept it. The password is described, never quoted. */
    private static void checkProxyCredentials(String username, String password,
                                              List<InvalidSettingsException.Problem> problems) {
        if ((username == null) != (password == null)) {
            problems.add(new InvalidSettingsException.Problem((username == null ? Field.PROXY_USERNAME
                    : Field.PROXY_PASSWORD).jsonName, "set proxyUsername and proxyPassword together, or neither"));
            return;
        }
        if (username != null) {
            String badName = ProxyCredentials.usernameProblem(username);
            String badPassword = ProxyCredentials.passwordProblem(password);
            check(badName == null, Field.PROXY_USERNAME, badName, problems);
            check(badPassword == null, Field.PROXY_PASSWORD, badPassword, problems);
        }
    }

    /** The credentials the proxies ask for, or null when they ask for none. */
    public ProxyCredentials proxyCredentials() {
        return proxyUsername == null ? null : ProxyCredentials.of(proxyUsername, proxyPassword);
    }

    /**
     * The 127.0.0.1 ports {@code serve} must never forward to, by the setting that holds them:
     * the local web page treats loopback callers as its owner, and the proxies relay into the
     * tailnet, so serving either would hand every tailnet peer that right.
     */
    public static Map<Integer, Field> reservedLocalPorts(boolean webEnabled, int webLocalPort, int socks5Port,
                                                        int httpProxyPort) {
        Map<Integer, Field> reserved = new TreeMap<>();
        if (webEnabled && webLocalPort != 0) {
            reserved.put(webLocalPort, Field.WEB_LOCAL_PORT);
        }
        if (socks5Port != 0) {
            reserved.put(socks5Port, Field.SOCKS5_PORT);
        }
        if (httpProxyPort != 0) {
            reserved.put(httpProxyPort, Field.HTTP_PROXY_PORT);
        }
        return reserved;
    }

    /** {@link #reservedLocalPorts(boolean, int, int, int)} of these settings. */
    public Map<Integer, Field> reservedLocalPorts() {
        return reservedLocalPorts(webEnabled, webLocalPort, socks5Port, httpProxyPort);
    }

    /** Why forwarding a tailnet port to {@code localPort}, held by {@code holder}, would give peers a right they must not have. */
    public static String reservedLocalPortProblem(int localPort, Field holder) {
        return switch (holder) {
            case WEB_LOCAL_PORT -> "local port " + localPort + " is the web page's on 127.0.0.1 (webLocalPort),"
                    + " where callers are its owner: serving it would make every tailnet peer an owner";
            case SOCKS5_PORT, HTTP_PROXY_PORT -> "local port " + localPort + " is the "
                    + (holder == Field.SOCKS5_PORT ? "SOCKS5" : "HTTP") + " proxy's (" + holder.jsonName
                    + "): serving it would let every tailnet peer relay through this node";
            default -> throw new IllegalArgumentException(holder + " holds no local port");
        };
    }

    private static void checkServe(Map<Integer, Integer> serve, int webPort, Map<Integer, Field> reservedLocal,
                                   List<InvalidSettingsException.Problem> problems) {
        check(serve.size() <= MAX_SERVES, Field.SERVE, "holds at most " + MAX_SERVES + " ports, got " + serve.size(),
                problems);
        serve.forEach((tailnetPort, localPort) -> {
            check(tailnetPort >= 1 && tailnetPort <= 65535, Field.SERVE, "tailnet ports must be 1-65535, got "
                    + tailnetPort, problems);
            check(localPort != null && localPort >= 1 && localPort <= 65535, Field.SERVE,
                    "local ports must be 1-65535, got " + localPort + " for tailnet port " + tailnetPort, problems);
            check(tailnetPort != webPort, Field.SERVE, "tailnet port " + tailnetPort + " is the web page's (webPort);"
                    + " move webPort or set webEnabled false to serve it", problems);
            Field holder = localPort == null ? null : reservedLocal.get(localPort);
            if (holder != null) {
                problems.add(new InvalidSettingsException.Problem(Field.SERVE.jsonName, "tailnet port " + tailnetPort
                        + ": " + reservedLocalPortProblem(localPort, holder)));
            }
        });
    }

    private static void check(boolean ok, Field f, String message, List<InvalidSettingsException.Problem> problems) {
        if (!ok) {
            problems.add(new InvalidSettingsException.Problem(f.jsonName, message));
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }
}
