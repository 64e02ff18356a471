package io.microlink.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * A real port-mapping gateway, Debian's miniupnpd (nftables build), on a {@link NatTopology}
 * router: it speaks NAT-PMP, PCP and UPnP IGD; LAN hosts may map UDP and TCP ports 1024-65535
 * of their own address (secure mode), and miniupnpd adds the DNAT rules to its own nftables
 * table beside the router's iptables rules. {@link #offerOnly} narrows what LAN hosts can
 * reach to one protocol (miniupnpd itself has one switch for NAT-PMP and PCP together).
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

    /** The three protocols, as {@link #offerOnly} takes them. */
    public enum Protocol {
        /** NAT-PMP alone: PCP's version 2 and SSDP dropped. */
        NAT_PMP("udp dport 5351 @th,64,8 2 drop\n udp dport 1900 drop"),
        /** PCP alone: NAT-PMP's version 0 and SSDP dropped. */
        PCP("udp dport 5351 @th,64,8 0 drop\n udp dport 1900 drop"),
        /** UPnP IGD alone: port 5351 dropped. */
        UPNP("udp dport 5351 drop");

        private final String drops;

        Protocol(String drops) {
            this.drops = drops;
        }
    }

    private final ManagedProcess process;
    private final NatTopology.Router router;
    private final Path dir;

    private Miniupnpd(ManagedProcess process, NatTopology.Router router, Path dir) {
        this.process = process;
        this.router = router;
        this.dir = dir;
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
                    "enable_upnp=yes",
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
        Miniupnpd m = new Miniupnpd(p, router, dir);
        try {
            Await.until(START_TIMEOUT, "miniupnpd on " + router.label() + " to listen", () -> {
                p.requireAlive();
                String tail = p.logTail(50);
                return tail.contains("Listening for NAT-PMP") && tail.contains("HTTP listening");
            });
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
        return m;
    }

    /**
     * From now on the router's LAN hosts reach only {@code protocol} of the gateway: a table of
     * the router's own drops the datagrams of the other two on their way in (NAT-PMP and PCP
     * share port 5351 and differ in their first byte, the version). Replaces the previous choice.
     */
    public void offerOnly(Protocol protocol) {
        Path rules = dir.resolve("offer-" + router.label() + ".nft");
        try {
            // "table; delete table" first: the table is replaced whether it was there or not.
            Files.writeString(rules, "table inet offer\ndelete table inet offer\ntable inet offer {\n"
                    + " chain input {\n  type filter hook input priority -5; policy accept;\n "
                    + protocol.drops + "\n }\n}\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + rules, e);
        }
        router.net().exec(router.namespace(), "nft", "-f", rules.toString());
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
