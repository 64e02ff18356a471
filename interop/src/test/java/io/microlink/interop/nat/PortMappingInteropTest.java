package io.microlink.interop.nat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.microlink.interop.Await;
import io.microlink.interop.Miniupnpd;
import io.microlink.interop.NatTopology;
import io.microlink.interop.Tailscaled;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Hard NAT on both sides, where hole punching cannot work (each router maps every destination
 * to a new port), but one router is a real port-mapping gateway (Debian's miniupnpd): the Java
 * daemon behind it asks for a mapping of its port, tells control, and a real tailscaled behind
 * the other hard NAT reaches it directly at the mapped address. Once per protocol, with the
 * gateway offering only that one (NAT-PMP, PCP, UPnP IGD), and the daemon's status naming it;
 * with NAT-PMP also a tailscaled that asked the same router with its own port mapper, for
 * reference. Without the mapping the pair stays on DERP (the hard × hard cell of
 * {@code scripts/nat-grid}). The lab, the gateway and the far peer are shared by the three.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class PortMappingInteropTest {
    /**
     * The mapping router's second public address: miniupnpd maps nothing on a reserved one such
     * as the topology's TEST-NET-3. Not reserved, so it could be someone's, but it is only ever
     * routed inside the topology's namespaces, which reach nothing else.
     */
    private static final String MAPPED_ADDRESS = "198.0.0.7";
    private static final Duration PING_BUDGET = Duration.ofSeconds(10);
    private static final Duration SEE_TIMEOUT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    private NatLab lab;
    private NatTopology.Router mapping;
    private NatTopology.Router hard;
    private Miniupnpd gateway;
    private NatLab.Node peer;

    @BeforeAll
    void gatewayAndFarPeer() {
        lab = new NatLab();
        mapping = lab.net().router("rmap", NatTopology.Nat.HARD);
        hard = lab.net().router("rhard", NatTopology.Nat.HARD);
        gateway = Miniupnpd.start(dir, mapping, MAPPED_ADDRESS);
        peer = lab.tailscaled("tshard", hard);
        peer.up();
    }

    @AfterAll
    void stop() {
        try (NatLab l = lab; Miniupnpd g = gateway) {
            // both closed, the gateway first
        }
    }

    @ParameterizedTest
    @EnumSource(Miniupnpd.Protocol.class)
    void behindTwoHardNatsTheJavaNodeGoesDirectThroughTheGatewaysMapping(Miniupnpd.Protocol protocol) {
        gateway.offerOnly(protocol);
        String tag = protocol.name().toLowerCase(Locale.ROOT).replace("_", "");
        NatLab.Node java = lab.java("ml" + tag, mapping);
        java.up();
        String label = switch (protocol) {
            case NAT_PMP -> "NAT-PMP";
            case PCP -> "PCP";
            case UPNP -> "UPnP";
        };
        JsonNode mapped = Await.result(SEE_TIMEOUT, () -> java + " to report a " + label + " mapping\nminiupnpd:\n"
                + gateway.logTail() + "\n" + java.logTail(), () -> {
                    JsonNode m = portMapping(java);
                    return m.path("protocol").asText().equals(label) ? m : null;
                });
        System.out.println(java + " status: port mapping " + mapped);
        assertThat(mapped.path("endpoint").asText()).startsWith(MAPPED_ADDRESS + ":");
        List<NatLab.Node> mappedNodes = protocol == Miniupnpd.Protocol.NAT_PMP
                ? List.of(lab.tailscaled("ts" + tag, mapping, Tailscaled.Options.PORT_MAPPER), java) : List.of(java);
        for (NatLab.Node node : mappedNodes) {
            if (node != java) {
                node.up();
            }
            goesDirect(node);
        }
    }

    /** The far peer pings {@code node} directly at the mapped address, and {@code node} pings it directly back. */
    private void goesDirect(NatLab.Node node) {
        Await.until(SEE_TIMEOUT, node + " and " + peer + " to see each other online",
                () -> node.sees(peer) && peer.sees(node));
        NatLab.Probe in = peer.probe(node, PING_BUDGET);
        System.out.println(peer + " pings " + node + ": " + in);
        assertThat(in.direct()).as(peer + " pings " + node + ": " + in + "\nminiupnpd:\n"
                + gateway.logTail() + "\n" + node.logTail()).isTrue();
        assertThat(in.viaAddress()).as("the pong comes from the mapped address").isEqualTo(MAPPED_ADDRESS);
        NatLab.Probe out = node.probe(peer, PING_BUDGET);
        System.out.println(node + " pings " + peer + ": " + out);
        assertThat(out.direct()).as(node + " pings " + peer + ": " + out).isTrue();
        assertThat(out.viaAddress()).isEqualTo(hard.publicAddress());
    }

    /** The {@code portMapping} of {@code microlink status --json} on the node's daemon. */
    private static JsonNode portMapping(NatLab.Node node) {
        String json = ((NatLab.JavaNode) node).daemon().cli("status", "--json").requireSuccess().stdout();
        try {
            return JSON.readTree(json).path("portMapping");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
