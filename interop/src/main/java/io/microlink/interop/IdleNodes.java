package io.microlink.interop;

import io.microlink.control.ControlClient;
import io.microlink.control.wire.Hostinfo;
import io.microlink.control.wire.RegisterRequest;
import io.microlink.control.wire.RegisterResponse;
import io.microlink.key.KeyKind;
import io.microlink.key.PrivateKey;
import io.microlink.key.PublicKey;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * Nodes registered in headscale by our own control client that never poll: each is an offline
 * peer in every netmap, which is how a test or benchmark gets a netmap of many peers without
 * running that many nodes. Registering takes about 55 ms a node at 1,000 on two cores, and far
 * longer near 5,000; {@link #cloneInDatabase} makes more in seconds.
 */
public final class IdleNodes {
    private static final int PARALLELISM = 16;

    private IdleNodes() {}

    /**
     * Adds {@code copies} nodes to headscale's database at once, each a copy of the newest node
     * with keys, addresses and a name of its own ({@code gen-1} and up): a netmap of 10,000
     * peers in seconds, where registering them would take hours. Headscale is stopped for the
     * write and started again. The copies' keys are not real keys of anyone (no peer will answer
     * at them), as registered idle nodes' are not either.
     */
    public static void cloneInDatabase(Headscale headscale, int copies) {
        // Keys are 64 hex digits of the copy's number. Addresses start at 100.96.0.0 and
        // fd7a:115c:a1e0::7f00:0, clear of those headscale hands out from the bottom of its ranges.
        String sql = """
                WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < %d)
                INSERT INTO nodes (machine_key, node_key, disco_key, endpoints, host_info, ipv4, ipv6, hostname,
                                   given_name, user_id, register_method, tags, auth_key_id, expiry, last_seen,
                                   approved_routes, created_at, updated_at)
                SELECT 'mkey:' || printf('%%064x', i), 'nodekey:' || printf('%%064x', i), t.disco_key, t.endpoints,
                       t.host_info, printf('100.%%d.%%d.%%d', 96 + i / 65536, (i / 256) %% 256, i %% 256),
                       printf('fd7a:115c:a1e0::7f%%02x:%%x', i / 65536, i %% 65536), 'gen-' || i, 'gen-' || i,
                       t.user_id, t.register_method, t.tags, t.auth_key_id, t.expiry, t.last_seen,
                       t.approved_routes, t.created_at, t.updated_at
                FROM seq, (SELECT * FROM nodes ORDER BY id DESC LIMIT 1) t;
                """.formatted(copies);
        headscale.stop();
        Exec.run(Duration.ofMinutes(2), List.of("sqlite3", headscale.database().toString(), sql)).requireSuccess();
        headscale.resume();
    }

    /** Registers {@code n} nodes named {@code prefix-0} and up with {@code authKey} (a reusable one). */
    public static void register(Headscale headscale, String authKey, String prefix, int n) throws Exception {
        URI server = URI.create(headscale.url());
        PublicKey serverKey = ControlClient.fetchServerKey(server, Duration.ofSeconds(10));
        Semaphore permits = new Semaphore(PARALLELISM);
        List<Future<?>> done = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < n; i++) {
                String name = prefix + "-" + i;
                permits.acquire();
                done.add(pool.submit(() -> {
                    try (ControlClient c = new ControlClient(server, PrivateKey.generate(KeyKind.MACHINE), serverKey,
                            Duration.ofSeconds(60))) {
                        RegisterResponse r = c.register(new RegisterRequest(ControlClient.CAPABILITY_VERSION,
                                PrivateKey.generate(KeyKind.NODE).publicKey().toString(), null,
                                new RegisterRequest.Auth(authKey), RegisterRequest.ZERO_TIME, "",
                                new Hostinfo("bench", "linux", null, name, null, true, null), null));
                        if (!r.machineAuthorized()) {
                            throw new IllegalStateException(name + " not authorized: " + r.error());
                        }
                        return null;
                    } finally {
                        permits.release();
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }
    }
}
