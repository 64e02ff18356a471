package io.microlink.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A real headscale server on 127.0.0.1 with free ports, driven through its own CLI.
 *
 * <pre>{@code
 * try (Headscale hs = Headscale.start(dir, null)) {
 *     Headscale.User alice = hs.createUser("alice");
 *     Headscale.AuthKey key = hs.createAuthKey(alice, true, false, Duration.ofHours(1));
 *     List<Headscale.Node> nodes = hs.nodes();
 * }
 * }</pre>
 */
public final class Headscale implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration CLI_TIMEOUT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration POLICY_SPACING = Duration.ofSeconds(3);
    private static final Duration POLICY_RESEND = Duration.ofSeconds(5);

    /** A headscale user. */
    public record User(long id, String name) {}

    /** A pre-auth key. Its {@code toString} never shows the key itself. */
    public record AuthKey(long id, String key, boolean reusable, boolean ephemeral, Instant expiration) {
        @Override
        public String toString() {
            return "AuthKey[id=" + id + ", reusable=" + reusable + ", ephemeral=" + ephemeral
                    + ", expiration=" + expiration + ", key=(hidden)]";
        }
    }

    /** A node as {@code headscale nodes list} reports it. */
    public record Node(long id, String name, String givenName, String user, String nodeKey, String machineKey,
                       List<String> ipAddresses, boolean online, Instant lastSeen, Instant expiry) {}

    private final HeadscaleConfig config;
    private final Path binary;
    private final Path configFile;
    /** The network namespace it runs in, or null for the JVM's own. */
    private final String namespace;
    private ManagedProcess process;
    private Instant lastPolicyChange = Instant.EPOCH;

    private Headscale(HeadscaleConfig config, Path binary, String namespace) {
        this.config = config;
        this.binary = binary;
        this.configFile = config.dir().resolve("config.yaml");
        this.namespace = namespace;
    }

    /**
     * Starts headscale in {@code dir} (created if needed) and waits until it serves.
     *
     * @param policy an ACL policy in headscale's HuJSON format, or null for allow-all
     */
    public static Headscale start(Path dir, String policy) {
        return start(dir, policy, false);
    }

    /**
     * As {@link #start(Path, String)}; with {@code tls} the server speaks HTTPS with a fresh
     * self-signed certificate for 127.0.0.1, which {@link #tlsTrust()} trusts.
     */
    public static Headscale start(Path dir, String policy, boolean tls) {
        return start(dir, policy, tls, null);
    }

    /** As {@link #start(Path, String, boolean)}, with the extra DERP regions of {@code derpMapYaml} (or null). */
    public static Headscale start(Path dir, String policy, boolean tls, String derpMapYaml) {
        return start(dir, policy, tls, derpMapYaml, List.of());
    }

    /** As {@link #start(Path, String, boolean, String)}, handing nodes {@code nameservers} as their DNS resolvers. */
    public static Headscale start(Path dir, String policy, boolean tls, String derpMapYaml, List<String> nameservers) {
        return start(dir, policy, tls, derpMapYaml, nameservers, null, "127.0.0.1");
    }

    /**
     * Headscale with allow-all policy on the public network of {@code net}: control, its relay
     * and STUN on {@link NatTopology#publicAddress()}, reachable from a LAN only through its routers.
     */
    public static Headscale startIn(NatTopology net, Path dir) {
        return start(dir, null, false, null, List.of(), net.publicNamespace(), net.publicAddress());
    }

    private static Headscale start(Path dir, String policy, boolean tls, String derpMapYaml, List<String> nameservers,
                                   String namespace, String address) {
        try {
            Files.createDirectories(dir);
            Path policyFile = null;
            if (policy != null) {
                policyFile = dir.resolve("policy.hujson");
                Files.writeString(policyFile, policy);
            }
            Path derpMapFile = null;
            if (derpMapYaml != null) {
                derpMapFile = dir.resolve("derp-regions.yaml");
                Files.writeString(derpMapFile, derpMapYaml);
            }
            HeadscaleConfig config = new HeadscaleConfig(dir, address, FreePorts.tcp(), FreePorts.tcp(), FreePorts.tcp(),
                    FreePorts.udp(), "tailnet.test", policyFile, tls, derpMapFile, nameservers);
            if (tls) {
                Exec.run(CLI_TIMEOUT, List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                        "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                        "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", config.tlsKey().toString(),
                        "-out", config.tlsCert().toString())).requireSuccess();
            }
            Headscale hs = new Headscale(config, ReferencePrograms.headscale(), namespace);
            Files.writeString(hs.configFile, config.yaml());
            hs.launch();
            return hs;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare headscale in " + dir, e);
        }
    }

    private void launch() {
        List<String> serve = List.of(binary.toString(), "-c", configFile.toString(), "serve");
        process = ManagedProcess.start("headscale", namespace == null ? serve
                : NetworkNamespaces.inside(namespace, serve.toArray(String[]::new)), Map.of(),
                config.dir().resolve("headscale.log"));
        if (namespace != null) {
            // This JVM cannot reach the namespace's address; curl inside it asks instead.
            List<String> probe = NetworkNamespaces.inside(namespace, "curl", "-sf", "-m", "2", url() + "/health");
            Await.until(START_TIMEOUT, "headscale to answer in " + namespace, () -> {
                process.requireAlive();
                return Files.exists(config.socket()) && Exec.run(Duration.ofSeconds(5), probe).succeeded();
            });
            return;
        }
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2));
        if (config.tls()) {
            builder.sslContext(tlsTrust());
        }
        HttpClient http = builder.build();
        process.awaitHttpOk(http, URI.create(url() + "/health"), START_TIMEOUT, () -> Files.exists(config.socket()));
    }

    /** The PEM file of this server's self-signed certificate (TLS only). */
    public Path tlsCertificate() {
        return config.tlsCert();
    }

    /** A TLS context that trusts exactly this server's self-signed certificate. */
    public javax.net.ssl.SSLContext tlsTrust() {
        if (!config.tls()) {
            throw new IllegalStateException("this headscale was started without TLS");
        }
        try (var in = Files.newInputStream(config.tlsCert())) {
            var ks = java.security.KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setCertificateEntry("headscale", java.security.cert.CertificateFactory.getInstance("X.509")
                    .generateCertificate(in));
            var tmf = javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            var ctx = javax.net.ssl.SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (IOException | java.security.GeneralSecurityException e) {
            throw new IllegalStateException("cannot build a TLS context for " + config.tlsCert(), e);
        }
    }

    /** The server's sqlite database (for tests that write rows the API cannot make quickly). */
    public Path database() {
        return config.dir().resolve("db.sqlite");
    }

    /** Stops and starts the same server again (same ports, keys and database). */
    public void restart() {
        stop();
        resume();
    }

    /** Stops the server, as an outage would: nodes lose control and its embedded relay and STUN. */
    public void stop() {
        process.stop();
    }

    /** Starts a {@link #stop() stopped} server again, with the same ports, keys and database. */
    public void resume() {
        launch();
    }

    /**
     * Replaces the ACL policy while the server runs, as an admin editing the policy file
     * would: headscale rereads it on SIGHUP and sends every node its new packet filter and
     * peers. The server must have been started with a policy.
     */
    public void setPolicy(String policy) {
        Path file = config.policyFile();
        if (file == null) {
            throw new IllegalStateException("this headscale was started without a policy file");
        }
        // headscale handles one signal at a time and keeps at most one waiting; a reload still
        // sending its node updates when the next signal comes has lost that signal in CI. So
        // signals are spaced, and each is sent again until headscale logs that it took one more.
        long since = Duration.between(lastPolicyChange, Instant.now()).toMillis();
        if (since < POLICY_SPACING.toMillis()) {
            sleep(POLICY_SPACING.toMillis() - since);
        }
        long before = reloadsLogged();
        try {
            Files.writeString(file, policy);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        Instant deadline = Instant.now().plus(CLI_TIMEOUT);
        while (reloadsLogged() == before) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("headscale did not reload its policy within " + CLI_TIMEOUT);
            }
            Exec.run(CLI_TIMEOUT, List.of("kill", "-HUP", Long.toString(process.pid()))).requireSuccess();
            Instant retry = Instant.now().plus(POLICY_RESEND);
            while (reloadsLogged() == before && Instant.now().isBefore(retry)) {
                sleep(100);
            }
        }
        lastPolicyChange = Instant.now();
    }

    /** How many policy reloads headscale's log shows so far. */
    private long reloadsLogged() {
        try (var lines = Files.lines(config.dir().resolve("headscale.log"))) {
            return lines.filter(l -> l.contains("Received SIGHUP")).count();
        } catch (IOException | UncheckedIOException e) {
            return 0;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while changing headscale's policy", e);
        }
    }

    /** The control URL nodes log in to, e.g. {@code http://127.0.0.1:41234}. */
    public String url() {
        return config.serverUrl();
    }

    public String baseDomain() {
        return config.baseDomain();
    }

    public int stunPort() {
        return config.stunPort();
    }

    public int derpRegionId() {
        return HeadscaleConfig.DERP_REGION_ID;
    }

    /** The region code tailscale shows as {@code DERP(headscale)}. */
    public String derpRegionCode() {
        return HeadscaleConfig.DERP_REGION_CODE;
    }

    public ManagedProcess process() {
        return process;
    }

    public User createUser(String name) {
        JsonNode u = cli("users", "create", name);
        return new User(u.path("id").asLong(), u.path("name").asText());
    }

    /** Creates a pre-auth key for {@code user}; {@code expiration} must be positive. */
    public AuthKey createAuthKey(User user, boolean reusable, boolean ephemeral, Duration expiration) {
        List<String> args = new ArrayList<>(List.of("preauthkeys", "create", "--user", Long.toString(user.id()),
                "--expiration", expiration.toSeconds() + "s"));
        if (reusable) {
            args.add("--reusable");
        }
        if (ephemeral) {
            args.add("--ephemeral");
        }
        JsonNode k = cli(args.toArray(String[]::new));
        return new AuthKey(k.path("id").asLong(), k.path("key").asText(), k.path("reusable").asBoolean(),
                k.path("ephemeral").asBoolean(), timestamp(k.path("expiration")));
    }

    public List<Node> nodes() {
        JsonNode list = cli("nodes", "list");
        List<Node> nodes = new ArrayList<>();
        for (JsonNode n : list) {
            List<String> ips = new ArrayList<>();
            n.path("ip_addresses").forEach(ip -> ips.add(ip.asText()));
            nodes.add(new Node(n.path("id").asLong(), n.path("name").asText(), n.path("given_name").asText(),
                    n.path("user").path("name").asText(), n.path("node_key").asText(), n.path("machine_key").asText(),
                    List.copyOf(ips), n.path("online").asBoolean(), timestamp(n.path("last_seen")),
                    timestamp(n.path("expiry"))));
        }
        return nodes;
    }

    public void deleteNode(long id) {
        cli("nodes", "delete", "--identifier", Long.toString(id), "--force");
    }

    /**
     * Approves routes a node advertises ({@code 10.77.0.0/24}; {@code 0.0.0.0/0} and {@code ::/0}
     * for an exit node), as an admin would with {@code nodes approve-routes}; this replaces the
     * node's approved set.
     */
    public void approveRoutes(long id, String... routes) {
        cli("nodes", "approve-routes", "--identifier", Long.toString(id), "--routes", String.join(",", routes));
    }

    /**
     * What headscale holds of a node's routes: {@code [announced, approved, serving]}, for tests and
     * their failure messages ({@code available_routes}, {@code approved_routes}, {@code subnet_routes}).
     */
    public List<List<String>> routes(long id) {
        for (JsonNode n : cli("nodes", "list")) {
            if (n.path("id").asLong() == id) {
                List<List<String>> out = new ArrayList<>();
                for (String field : List.of("available_routes", "approved_routes", "subnet_routes")) {
                    List<String> routes = new ArrayList<>();
                    n.path(field).forEach(r -> routes.add(r.asText()));
                    out.add(List.copyOf(routes));
                }
                return List.copyOf(out);
            }
        }
        throw new IllegalArgumentException("headscale has no node " + id);
    }

    /** Expires a node's key now, as an admin would; the node must re-register. */
    public void expireNode(long id) {
        cli("nodes", "expire", "--identifier", Long.toString(id));
    }

    /**
     * Approves an interactive login: {@code loginUrl} is the URL the node was given
     * ({@code <server>/register/<auth id>}).
     */
    public void approveLogin(String loginUrl, User user) {
        String authId = loginUrl.substring(loginUrl.lastIndexOf('/') + 1);
        cli("auth", "register", "--auth-id", authId, "--user", user.name());
    }

    /** The node with this hostname (headscale's given name), if registered. */
    public java.util.Optional<Node> node(String givenName) {
        return nodes().stream().filter(n -> n.givenName().equals(givenName)).findFirst();
    }

    /** Runs the headscale CLI with JSON output against this server and parses the answer. */
    private JsonNode cli(String... args) {
        List<String> command = new ArrayList<>(List.of(binary.toString(), "-c", configFile.toString()));
        command.addAll(List.of(args));
        command.addAll(List.of("-o", "json"));
        Exec.Result r = Exec.run(CLI_TIMEOUT, command).requireSuccess();
        try {
            return JSON.readTree(r.stdout());
        } catch (IOException e) {
            throw new Exec.CommandFailedException("headscale " + String.join(" ", args)
                    + " printed something that is not JSON: " + e.getMessage());
        }
    }

    /** Go's protobuf timestamps marshal as {"seconds":…,"nanos":…}; absent means unset. */
    private static Instant timestamp(JsonNode t) {
        if (t.isMissingNode() || t.isNull()) {
            return null;
        }
        return Instant.ofEpochSecond(t.path("seconds").asLong(), t.path("nanos").asLong());
    }

    @Override
    public void close() {
        if (process != null) {
            process.stop();
        }
    }
}
