package io.microlink.interop;

import java.nio.file.Path;
import java.util.List;

/**
 * The headscale configuration of a test tailnet: everything on one address (127.0.0.1, or the
 * public address of a {@link NatTopology}), sqlite, MagicDNS,
 * the embedded DERP server and STUN over plain HTTP, no outbound traffic (no update
 * checks, no external DERP maps, no logtail). See protocol-facts §11.1.
 *
 * @param dir        where keys, database, socket and config live
 * @param address    where control, DERP and STUN listen and what the DERP map announces
 * @param httpPort   control (/key, /ts2021), DERP and /health
 * @param stunPort   embedded STUN (UDP)
 * @param policyFile an ACL policy (HuJSON), or null for headscale's allow-all default
 * @param tls        serve HTTPS with a self-signed certificate for 127.0.0.1 ({@link #tlsCert()})
 * @param derpMapFile extra DERP regions (a headscale {@code derp.paths} YAML file), or null
 * @param nameservers {@code dns.nameservers.global}: none leaves nodes' DNS alone; some become the
 *                    netmap's {@code Resolvers} ({@code override_local_dns})
 */
record HeadscaleConfig(Path dir, String address, int httpPort, int metricsPort, int grpcPort, int stunPort,
                       String baseDomain, Path policyFile, boolean tls, Path derpMapFile,
                       List<String> nameservers) {

    static final int DERP_REGION_ID = 999;
    static final String DERP_REGION_CODE = "headscale";

    String serverUrl() {
        return (tls ? "https" : "http") + "://" + address + ":" + httpPort;
    }

    Path tlsCert() {
        return dir.resolve("tls-cert.pem");
    }

    Path tlsKey() {
        return dir.resolve("tls-key.pem");
    }

    Path socket() {
        return dir.resolve("headscale.sock");
    }

    String yaml() {
        return """
                server_url: %s
                listen_addr: %s:%d
                metrics_listen_addr: 127.0.0.1:%d
                grpc_listen_addr: 127.0.0.1:%d
                grpc_allow_insecure: false
                noise:
                  private_key_path: %s
                prefixes:
                  v4: 100.64.0.0/10
                  v6: fd7a:115c:a1e0::/48
                  allocation: sequential
                derp:
                  server:
                    enabled: true
                    region_id: %d
                    region_code: %s
                    region_name: Headscale Embedded DERP
                    verify_clients: true
                    stun_listen_addr: "[::]:%d"
                    private_key_path: %s
                    automatically_add_embedded_derp_region: true
                    ipv4: %s
                  urls: []
                  paths: [%s]
                  auto_update_enabled: false
                disable_check_updates: true
                database:
                  type: sqlite
                  sqlite:
                    path: %s
                    write_ahead_log: true
                log:
                  level: debug
                  format: text
                dns:
                  magic_dns: true
                  base_domain: %s
                  override_local_dns: %s
                  nameservers:
                    global: [%s]
                unix_socket: %s
                unix_socket_permission: "0770"
                policy:
                  mode: file
                  path: "%s"
                logtail:
                  enabled: false
                taildrop:
                  enabled: false
                tls_cert_path: "%s"
                tls_key_path: "%s"
                """.formatted(
                serverUrl(), address, httpPort, metricsPort, grpcPort,
                dir.resolve("noise_private.key"),
                DERP_REGION_ID, DERP_REGION_CODE, stunPort, dir.resolve("derp_server_private.key"), address,
                derpMapFile == null ? "" : "\"" + derpMapFile + "\"",
                dir.resolve("db.sqlite"),
                baseDomain,
                !nameservers.isEmpty(),
                String.join(", ", nameservers.stream().map(n -> "\"" + n + "\"").toList()),
                socket(),
                policyFile == null ? "" : policyFile.toString(),
                tls ? tlsCert().toString() : "",
                tls ? tlsKey().toString() : "");
    }
}
