package io.microlink.interop.nat;

import static org.assertj.core.api.Assertions.assertThat;

import io.microlink.interop.Await;
import io.microlink.interop.Miniupnpd;
import io.microlink.interop.NatTopology;
import io.microlink.interop.Tailscaled;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hard NAT on both sides, where hole punching cannot work (each router maps every destination
 * to a new port), but one router runs a real NAT-PMP server (Debian's miniupnpd): the Java
 * daemon behind it asks for a mapping of its port, tells control, and a real tailscaled behind
 * the other hard NAT reaches it directly at the mapped address, as it reaches a tailscaled that
 * asked the same router with its own port mapper. Without the mapping the pair stays on DERP
 * (the hard × hard cell of {@code scripts/nat-grid}).
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class PortMappingInteropTest {
    /**
     * The mapping router's second public address: miniupnpd maps nothing on a reserved one such
     * as the topology's TEST-NET-3. Not reserved, so it could be someone's, but it is only ever
     * routed inside the topology's namespaces, which reach nothing else.
     */
    private static final String MAPPED_ADDRESS = "198.0.0.7";
    private static final Duration PING_BUDGET = Duration.ofSeconds(10);
    private static final Duration SEE_TIMEOUT = Duration.ofSeconds(60);

    @Test
    void behindTwoHardNatsTheJavaNodeGoesDirectThroughTheGatewaysMappingLikeTailscaled(@TempDir Path dir) {
        try (NatLab lab = new NatLab()) {
            NatTopology.Router mapping = lab.net().router("rmap", NatTopology.Nat.HARD);
            NatTopology.Router hard = lab.net().router("rhard", NatTopology.Nat.HARD);
            try (Miniupnpd upnp = Miniupnpd.start(dir, mapping, MAPPED_ADDRESS)) {
                NatLab.Node peer = lab.tailscaled("tshard", hard);
                NatLab.Node reference = lab.tailscaled("tsmap", mapping, Tailscaled.Options.PORT_MAPPER);
                NatLab.Node java = lab.java("mlmap", mapping);
                peer.up();
                reference.up();
                java.up();
                for (NatLab.Node mapped : new NatLab.Node[] {reference, java}) {
                    Await.until(SEE_TIMEOUT, mapped + " and " + peer + " to see each other online",
                            () -> mapped.sees(peer) && peer.sees(mapped));
                    NatLab.Probe in = peer.probe(mapped, PING_BUDGET);
                    System.out.println(peer + " pings " + mapped + ": " + in);
                    assertThat(in.direct()).as(peer + " pings " + mapped + ": " + in + "\nminiupnpd:\n"
                            + upnp.logTail() + "\n" + mapped.logTail()).isTrue();
                    assertThat(in.viaAddress()).as("the pong comes from the mapped address").isEqualTo(MAPPED_ADDRESS);
                    NatLab.Probe out = mapped.probe(peer, PING_BUDGET);
                    System.out.println(mapped + " pings " + peer + ": " + out);
                    assertThat(out.direct()).as(mapped + " pings " + peer + ": " + out).isTrue();
                    assertThat(out.viaAddress()).isEqualTo(hard.publicAddress());
                }
            }
        }
    }
}
