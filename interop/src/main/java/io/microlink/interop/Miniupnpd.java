package io.microlink.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * A real NAT-PMP server, Debian's miniupnpd (nftables build), on a {@link NatTopology} router:
 * LAN hosts may map UDP and TCP ports 1024-65535 of their own address (secure mode), and
 * miniupnpd adds the DNAT rules to its own nftables table beside the router's iptables rules.
 * UPnP IGD is off; PCP comes with NAT-PMP.
 *
 * <p>miniupnpd refuses to map anything on an external address from a reserved block, which the
 * topology's TEST-NET-3 is, so it is given a second, ordinary address of the router's
 * ({@link NatTopology.Router#addPortMappingAddress}), reachable only inside the topology's
 * namespaces like everything else there.
 */
public final class Miniupnpd implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);
    /** The chains miniupnpd fills; its own table, so the router's iptables rules stay as they are. */
    private static final String TABLES = """
            table inet filter {
              chain forward {
                type filter hook forward priority 0; policy accept;
                jump miniupnpd
              }
              chain miniupnpd {
              }
              chain prerouting {
                type nat hook prerouting priority -100; policy accept;
                jump prerouting_miniupnpd
              }
              chain postrouting {
                type nat hook postrouting priority 100; policy accept;
                jump postrouting_miniupnpd
              }
              chain prerouting_miniupnpd {
              }
              chain postrouting_miniupnpd {
              }
            }
            """;

    private final ManagedProcess process;

    private Miniupnpd(ManagedProcess process) {
        this.process = process;
    }

    /**
     * Gives {@code router} the public address {@code externalIp} and starts miniupnpd on it,
     * answering on the router's LAN; waits until it listens.
     */
    public static Miniupnpd start(Path dir, NatTopology.Router router, String externalIp) {
        router.addPortMappingAddress(externalIp);
        Path tables = dir.resolve("miniupnpd-" + router.label() + ".nft");
        Path conf = dir.resolve("miniupnpd-" + router.label() + ".conf");
        try {
            Files.createDirectories(dir);
            Files.writeString(tables, TABLES);
            Files.writeString(conf, String.join("\n",
                    "ext_ifname=" + router.wanInterface(),
                    "ext_ip=" + externalIp,
                    "listening_ip=br0",
                    "enable_natpmp=yes",
                    "enable_upnp=no",
                    "secure_mode=yes",
                    "uuid=3b6a5d2c-0000-4000-8000-" + String.format("%012x", router.label().hashCode() & 0xffffffffL),
                    "allow 1024-65535 " + router.lanPrefix() + ".0/24 1024-65535",
                    "deny 0-65535 0.0.0.0/0 0-65535") + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write miniupnpd's files in " + dir, e);
        }
        router.net().exec(router.namespace(), "nft", "-f", tables.toString());
        Path log = dir.resolve("miniupnpd-" + router.label() + ".log");
        ManagedProcess p = ManagedProcess.start("miniupnpd-" + router.label(), NetworkNamespaces.inside(
                router.namespace(), "miniupnpd", "-d", "-f", conf.toString(),
                "-P", dir.resolve("miniupnpd-" + router.label() + ".pid").toString()), Map.of(), log);
        Miniupnpd m = new Miniupnpd(p);
        try {
            Await.until(START_TIMEOUT, "miniupnpd on " + router.label() + " to listen", () -> {
                p.requireAlive();
                return p.logTail(50).contains("Listening for NAT-PMP");
            });
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
        return m;
    }

    /** The last lines of its log: the mappings it made and refused. */
    public String logTail() {
        return process.logTail(40);
    }

    @Override
    public void close() {
        process.close();
    }
}
