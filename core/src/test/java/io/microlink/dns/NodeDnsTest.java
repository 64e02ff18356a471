package io.microlink.dns;

import static org.assertj.core.api.Assertions.assertThat;

import io.microlink.netmap.Netmap;
import io.microlink.netmap.NetmapUpdater;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The resolver a bridge's devices are answered by, as the node's netmap changes and with IPv4 on or off. */
class NodeDnsTest {
    @Test
    void withIpv4OffATailnetNameHasNoARecordButItsAaaa() throws Exception {
        Supplier<MagicDnsResolver> resolvers = NodeDns.following(TestNetmaps::standard, false, List.of());

        DnsMessage a = ask(resolvers.get(), "ts2.", DnsType.A);
        assertThat(a.header().rcode()).isEqualTo(DnsRcode.NOERROR);
        assertThat(a.answers()).isEmpty();
        assertThat(addresses(ask(resolvers.get(), "ts2.tailnet.test.", DnsType.AAAA)))
                .containsExactly(InetAddress.ofLiteral("fd7a:115c:a1e0::2"));
    }

    /** As the node's own 100.100.100.100 (tailscale's rule): a dual-stack peer by its IPv4 address, the IPv6-only one by IPv6. */
    @Test
    void withIpv4OnTailnetNamesAnswerAsTheNodesOwnQuad100() throws Exception {
        Supplier<MagicDnsResolver> resolvers = NodeDns.following(TestNetmaps::standard, true, List.of());

        assertThat(addresses(ask(resolvers.get(), "ts2.", DnsType.A))).containsExactly(InetAddress.ofLiteral("100.64.0.2"));
        assertThat(addresses(ask(resolvers.get(), "ts2.", DnsType.AAAA))).isEmpty();
        assertThat(addresses(ask(resolvers.get(), "ts6.", DnsType.AAAA)))
                .containsExactly(InetAddress.ofLiteral("fd7a:115c:a1e0::6"));
    }

    @Test
    void theResolverFollowsTheNetmapAndIsMadeOncePerNetmap() {
        AtomicReference<Netmap> current = new AtomicReference<>(NetmapUpdater.empty());
        Supplier<MagicDnsResolver> resolvers = NodeDns.following(current::get, true, List.of());
        assertThat(resolvers.get()).as("no self node yet: stay silent").isNull();

        current.set(TestNetmaps.standard());
        MagicDnsResolver first = resolvers.get();
        assertThat(first).isNotNull().isSameAs(resolvers.get());

        current.set(TestNetmaps.standard());
        assertThat(resolvers.get()).isNotSameAs(first);
    }

    private static DnsMessage ask(MagicDnsResolver resolver, String name, int type) throws Exception {
        byte[] query = new DnsMessage(DnsHeader.query(0x1234), List.of(new DnsQuestion(name, type, DnsClass.IN)),
                List.of(), List.of(), List.of()).encode(512);
        DnsOutcome outcome = resolver.respond(query, MagicDnsResolver.Transport.UDP);
        assertThat(outcome).isInstanceOf(DnsOutcome.Answer.class);
        return DnsMessage.parse(((DnsOutcome.Answer) outcome).message());
    }

    private static List<InetAddress> addresses(DnsMessage m) {
        return m.answers().stream().map(r -> ((DnsRdata.Address) r.data()).address()).toList();
    }
}
