package io.microlink.dns;

import static org.assertj.core.api.Assertions.assertThat;

import io.microlink.control.wire.DnsConfig;
import io.microlink.netmap.Netmap;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Queries against the netmaps of {@link TestNetmaps}, answers parsed back with our codec. */
class MagicDnsResolverTest {
    private static final Instant NETMAP_TIME = Instant.ofEpochSecond(1_700_000_000L);

    private static DnsMessage ask(Netmap netmap, String name, int type) throws Exception {
        byte[] query = new DnsMessage(DnsHeader.query(0x4242), List.of(new DnsQuestion(name, type, DnsClass.IN)),
                List.of(), List.of(), List.of()).encode(512);
        DnsOutcome outcome = MagicDnsResolver.of(netmap, NETMAP_TIME).respond(query, MagicDnsResolver.Transport.UDP);
        assertThat(outcome).isInstanceOf(DnsOutcome.Answer.class);
        return DnsMessage.parse(((DnsOutcome.Answer) outcome).message());
    }

    private static DnsMessage ask(String name, int type) throws Exception {
        return ask(TestNetmaps.standard(), name, type);
    }

    private static List<InetAddress> addresses(DnsMessage m) {
        return m.answers().stream().map(r -> ((DnsRdata.Address) r.data()).address()).toList();
    }

    private static InetAddress ip(String literal) {
        return InetAddress.ofLiteral(literal);
    }

    private static void assertNegative(DnsMessage m, int rcode, String zone) {
        assertThat(m.header().rcode()).isEqualTo(rcode);
        assertThat(m.answers()).isEmpty();
        assertThat(m.authorities()).singleElement().satisfies(soa -> {
            assertThat(soa.name()).isEqualTo(zone);
            assertThat(soa.ttl()).isEqualTo(10);
            assertThat(soa.data()).isEqualTo(new DnsRdata.Soa(zone, zone, 1_700_000_000L, 10, 10, 10, 10));
        });
    }

    @Test
    void aPeerNameAnswersAuthoritativelyWithItsIpv4AndTheQuestionCaseKept() throws Exception {
        DnsMessage m = ask("Ts2.TailNet.test.", DnsType.A);
        assertThat(m.header()).isEqualTo(DnsHeader.query(0x4242).answer(DnsRcode.NOERROR));
        assertThat(m.header().authoritative()).isTrue();
        assertThat(m.questions()).containsExactly(new DnsQuestion("Ts2.TailNet.test.", DnsType.A, DnsClass.IN));
        assertThat(m.answers()).singleElement().satisfies(r -> {
            assertThat(r.name()).isEqualTo("Ts2.TailNet.test.");
            assertThat(r.ttl()).isEqualTo(5);
        });
        assertThat(addresses(m)).containsExactly(InetAddress.ofLiteral("100.64.0.2"));
        assertThat(m.authorities()).isEmpty();
    }

    @Test
    void aDualStackPeerHasNoAaaaUnlessSelfHasMagicdnsAaaa() throws Exception {
        assertNegative(ask("ts2.tailnet.test.", DnsType.AAAA), DnsRcode.NOERROR, "tailnet.test.");
        Netmap withAttr = TestNetmaps.netmap(TestNetmaps.DUAL_STACK_SELF, ",'CapMap':{'magicdns-aaaa':null}",
                TestNetmaps.DNS);
        assertThat(addresses(ask(withAttr, "ts2.tailnet.test.", DnsType.AAAA)))
                .containsExactly(InetAddress.ofLiteral("fd7a:115c:a1e0::2"));
        Netmap legacyAttr = TestNetmaps.netmap(TestNetmaps.DUAL_STACK_SELF, ",'Capabilities':['magicdns-aaaa']",
                TestNetmaps.DNS);
        assertThat(addresses(ask(legacyAttr, "ts2.tailnet.test.", DnsType.AAAA))).hasSize(1);
    }

    @Test
    void anIpv6OnlyPeerAnswersAaaaAndAnIpv6OnlySelfSeesOnlyIpv6() throws Exception {
        assertThat(addresses(ask("ts6.tailnet.test.", DnsType.AAAA)))
                .containsExactly(InetAddress.ofLiteral("fd7a:115c:a1e0::6"));
        Netmap v6Self = TestNetmaps.netmap(TestNetmaps.IPV6_ONLY_SELF, "", TestNetmaps.DNS);
        assertNegative(ask(v6Self, "ts2.tailnet.test.", DnsType.A), DnsRcode.NOERROR, "tailnet.test.");
        assertThat(addresses(ask(v6Self, "ts2.tailnet.test.", DnsType.AAAA)))
                .containsExactly(InetAddress.ofLiteral("fd7a:115c:a1e0::2"));
    }

    @Test
    void aViaNameAnswersAaaaWithTheViaAddressShortFullAndUnderTsNet() throws Exception {
        // `tailscale debug via 7 10.1.1.5/32` printed fd7a:115c:a1e0:b1a:0:7:a01:105/128.
        InetAddress via = ip("fd7a:115c:a1e0:b1a:0:7:a01:105");
        for (String name : List.of("10-1-1-5-via-7.", "10-1-1-5-via-7.tailnet.test.", "10-1-1-5-VIA-7.foo.ts.net.",
                "10-1-1-5-via-0x7.tailscale.net.", "10-1-1-5-via-07.")) {
            DnsMessage m = ask(name, DnsType.AAAA);
            assertThat(m.header().rcode()).as(name).isEqualTo(DnsRcode.NOERROR);
            assertThat(addresses(m)).as(name).containsExactly(via);
            assertThat(m.answers().getFirst().name()).isEqualTo(name);
        }
        assertThat(addresses(ask("10-77-0-5-via-65536.", DnsType.ANY)))
                .containsExactly(ip("fd7a:115c:a1e0:b1a:1:0:a4d:5"));
        DnsMessage a = ask("10-1-1-5-via-7.", DnsType.A);
        assertThat(a.header().rcode()).as("the name exists, with no IPv4").isEqualTo(DnsRcode.NOERROR);
        assertThat(a.answers()).isEmpty();
    }

    @Test
    void whatIsNoViaNameIsNotAnsweredAsOne() throws Exception {
        // Under another domain, a bad address or site ID, or a type other than addresses: the usual path.
        assertNegative(ask("10-1-1-5-via-7.sub.tailnet.test.", DnsType.AAAA), DnsRcode.NXDOMAIN, "tailnet.test.");
        for (String name : List.of("10-1-1-5-via-7.example.com.", "10-1-1-256-via-7.", "10-01-1-5-via-7.",
                "10-1-1-via-7.", "10-1-1-5-via-x.", "10-1-1-5-via-4294967296.", "10-1-1-5-via--7.", "a.-via-7.")) {
            byte[] query = new DnsMessage(DnsHeader.query(1), List.of(new DnsQuestion(name, DnsType.AAAA, DnsClass.IN)),
                    List.of(), List.of(), List.of()).encode(512);
            assertThat(MagicDnsResolver.of(TestNetmaps.standard(), NETMAP_TIME)
                    .respond(query, MagicDnsResolver.Transport.UDP)).as(name).isInstanceOf(DnsOutcome.Forward.class);
        }
        assertNegative(ask("10-1-1-5-via-7.tailnet.test.", 15 /* MX */), DnsRcode.NXDOMAIN, "tailnet.test.");
    }

    @Test
    void unknownNamesUnderTheSuffixAreNxdomainWithTheSoa() throws Exception {
        assertNegative(ask("nope.tailnet.test.", DnsType.A), DnsRcode.NXDOMAIN, "tailnet.test.");
        assertNegative(ask("x.internal.test.", DnsType.A), DnsRcode.NXDOMAIN, "internal.test.");
    }

    @Test
    void shortNamesSelfAndExtraRecordsResolve() throws Exception {
        assertThat(addresses(ask("ts2.", DnsType.A))).containsExactly(ip("100.64.0.2"));
        assertThat(addresses(ask("self.tailnet.test.", DnsType.A))).containsExactly(ip("100.64.0.1"));
        assertThat(addresses(ask("DB.tailnet.test.", DnsType.A))).containsExactly(ip("100.64.0.99"));
        assertThat(addresses(ask("ts2.tailnet.test.", DnsType.ANY))).containsExactly(ip("100.64.0.2"));
    }

    @Test
    void reverseLookupsOfTailnetAddressesAnswerThePeerName() throws Exception {
        assertThat(ask("2.0.64.100.in-addr.arpa.", DnsType.PTR).answers()).singleElement()
                .extracting(DnsRecord::data).isEqualTo(new DnsRdata.Domain("ts2.tailnet.test."));
        String v6 = "6.0.0.0." + "0.0.0.0.".repeat(4) + DnsRoutes.IPV6_REVERSE_ZONE;
        assertThat(ask(v6, DnsType.PTR).answers()).singleElement()
                .extracting(DnsRecord::data).isEqualTo(new DnsRdata.Domain("ts6.tailnet.test."));
        assertThat(ask("99.0.64.100.in-addr.arpa.", DnsType.PTR).answers()).singleElement()
                .extracting(DnsRecord::data).isEqualTo(new DnsRdata.Domain("db.tailnet.test."));
        assertNegative(ask("77.0.64.100.in-addr.arpa.", DnsType.PTR), DnsRcode.NXDOMAIN, "64.100.in-addr.arpa.");
    }

    @Test
    void otherNamesForwardToTheMostSpecificRoute() {
        MagicDnsResolver r = MagicDnsResolver.of(TestNetmaps.standard(), NETMAP_TIME);
        assertThat(forwardedTo(r, "host.corp.example.")).containsExactly("10.0.0.53");
        assertThat(forwardedTo(r, "example.com.")).containsExactly("9.9.9.9");
        assertThat(forwardedTo(r, "1.0.0.10.in-addr.arpa.")).containsExactly("9.9.9.9");
    }

    private static List<String> forwardedTo(MagicDnsResolver r, String name) {
        byte[] query = new DnsMessage(DnsHeader.query(1), List.of(new DnsQuestion(name, DnsType.PTR, DnsClass.IN)),
                List.of(), List.of(), List.of()).encode(512);
        return ((DnsOutcome.Forward) r.respond(query, MagicDnsResolver.Transport.UDP)).resolvers().stream()
                .map(DnsConfig.Resolver::addr).toList();
    }

    @Test
    void namesTheTailnetRoutesNowhereGoToTheUsersUpstreamsAheadOfControlsFallbackResolvers() {
        List<DnsConfig.Resolver> user = List.of(new DnsConfig.Resolver("[192.0.2.53]:53"));
        Netmap fallbackOnly = TestNetmaps.netmap(TestNetmaps.DUAL_STACK_SELF, "",
                "{'Proxied':true,'FallbackResolvers':[{'Addr':'198.51.100.53'}]}");
        assertThat(forwardedTo(MagicDnsResolver.of(fallbackOnly, NETMAP_TIME, user), "example.com."))
                .containsExactly("[192.0.2.53]:53");
        assertThat(forwardedTo(MagicDnsResolver.of(fallbackOnly, NETMAP_TIME), "example.com."))
                .containsExactly("198.51.100.53");
        // The tailnet's own Resolvers and routes come first.
        MagicDnsResolver standard = MagicDnsResolver.of(TestNetmaps.standard(), NETMAP_TIME, user);
        assertThat(forwardedTo(standard, "example.com.")).containsExactly("9.9.9.9");
        assertThat(forwardedTo(standard, "host.corp.example.")).containsExactly("10.0.0.53");
        Netmap noDns = TestNetmaps.netmap(TestNetmaps.DUAL_STACK_SELF, "", "null");
        assertThat(forwardedTo(MagicDnsResolver.of(noDns, NETMAP_TIME, user), "example.com."))
                .containsExactly("[192.0.2.53]:53");
    }

    @Test
    void withAnExitNodeThatAnswersDnsNamesTheTailnetHasNoResolverForGoToItsDohEndpoint() {
        List<DnsConfig.Resolver> user = List.of(new DnsConfig.Resolver("[192.0.2.53]:53"));
        Optional<InetSocketAddress> doh = Optional.of(new InetSocketAddress(InetAddress.ofLiteral("100.64.0.2"), 41641));
        Netmap fallbackOnly = TestNetmaps.netmap(TestNetmaps.DUAL_STACK_SELF, "",
                "{'Proxied':true,'FallbackResolvers':[{'Addr':'198.51.100.53'}]}");
        MagicDnsResolver viaExit = MagicDnsResolver.of(fallbackOnly, NETMAP_TIME, user, doh);
        assertThat(forwardedTo(viaExit, "example.com.")).containsExactly("http://100.64.0.2:41641/dns-query");
        assertThat(viaExit.exitNodeDoh()).isEqualTo(doh);
        Netmap noDns = TestNetmaps.netmap(TestNetmaps.DUAL_STACK_SELF, "", "null");
        assertThat(forwardedTo(MagicDnsResolver.of(noDns, NETMAP_TIME, user, doh), "example.com."))
                .containsExactly("http://100.64.0.2:41641/dns-query");
        // The tailnet's own resolvers and routes keep their names; without an exit node nothing changes.
        MagicDnsResolver standard = MagicDnsResolver.of(TestNetmaps.standard(), NETMAP_TIME, user, doh);
        assertThat(forwardedTo(standard, "example.com.")).containsExactly("9.9.9.9");
        assertThat(forwardedTo(standard, "host.corp.example.")).containsExactly("10.0.0.53");
        assertThat(forwardedTo(MagicDnsResolver.of(fallbackOnly, NETMAP_TIME, user, Optional.empty()), "example.com."))
                .containsExactly("[192.0.2.53]:53");
    }

    @Test
    void forIpv6OnlyClientsTailnetNamesHaveNoARecordsButTheirAaaa() throws Exception {
        MagicDnsResolver r = MagicDnsResolver.forIpv6OnlyClients(TestNetmaps.standard(), NETMAP_TIME, List.of());
        assertNegative(respond(r, "ts2.tailnet.test.", DnsType.A), DnsRcode.NOERROR, "tailnet.test.");
        assertThat(addresses(respond(r, "ts2.tailnet.test.", DnsType.AAAA)))
                .containsExactly(ip("fd7a:115c:a1e0::2"));
        assertNegative(respond(r, "db.tailnet.test.", DnsType.A), DnsRcode.NOERROR, "tailnet.test.");
        // The same netmap for a dual-stack client still answers A.
        assertThat(addresses(ask("ts2.tailnet.test.", DnsType.A))).containsExactly(ip("100.64.0.2"));
    }

    private static DnsMessage respond(MagicDnsResolver r, String name, int type) throws Exception {
        byte[] query = new DnsMessage(DnsHeader.query(1), List.of(new DnsQuestion(name, type, DnsClass.IN)),
                List.of(), List.of(), List.of()).encode(512);
        return DnsMessage.parse(((DnsOutcome.Answer) r.respond(query, MagicDnsResolver.Transport.UDP)).message());
    }

    @Test
    void withoutAnyRouteItIsServfailAndBonjourBrowsingIsNxdomain() throws Exception {
        Netmap noResolvers = TestNetmaps.netmap(TestNetmaps.DUAL_STACK_SELF, "", "{'Proxied':true}");
        assertThat(ask(noResolvers, "example.com.", DnsType.A).header().rcode()).isEqualTo(DnsRcode.SERVFAIL);
        assertThat(ask("b._dns-sd._udp.0.0.10.in-addr.arpa.", DnsType.PTR).header().rcode())
                .isEqualTo(DnsRcode.NXDOMAIN);
        assertThat(ask("secret.onion.", DnsType.A).header().rcode()).isEqualTo(DnsRcode.NXDOMAIN);
    }

    @Test
    void withMagicDnsOffFqdnsStillAnswerButShortNamesAndTheSuffixDoNot() throws Exception {
        Netmap off = TestNetmaps.netmap(TestNetmaps.DUAL_STACK_SELF, "", "{'Proxied':false}");
        assertThat(addresses(ask(off, "ts2.tailnet.test.", DnsType.A))).hasSize(1);
        assertThat(ask(off, "ts2.", DnsType.A).header().rcode()).isEqualTo(DnsRcode.SERVFAIL);
        assertThat(ask(off, "nope.tailnet.test.", DnsType.A).header().rcode()).isEqualTo(DnsRcode.SERVFAIL);
    }

    @Test
    void zoneTypesAreNotImplementedAndOtherTypesAreEmptyWithoutSoa() throws Exception {
        DnsMessage ns = ask("ts2.tailnet.test.", DnsType.NS);
        assertThat(ns.header().rcode()).isEqualTo(DnsRcode.NOTIMP);
        DnsMessage txt = ask("ts2.tailnet.test.", 16);
        assertThat(txt.header().rcode()).isEqualTo(DnsRcode.NOERROR);
        assertThat(txt.answers()).isEmpty();
        assertThat(txt.authorities()).isEmpty();
    }

    @Test
    void malformedQueriesGetFormerrWithTheirId() throws Exception {
        MagicDnsResolver r = MagicDnsResolver.of(TestNetmaps.standard(), NETMAP_TIME);
        byte[] cutShort = {0x12, 0x34, 0x01, 0x00, 0x00};
        byte[] noQuestion = {0x12, 0x34, 0x01, 0x00, 0, 0, 0, 0, 0, 0, 0, 0};
        byte[] aResponse = {0x12, 0x34, (byte) 0x81, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1};
        for (byte[] junk : List.of(cutShort, noQuestion, aResponse)) {
            DnsMessage m = DnsMessage.parse(((DnsOutcome.Answer) r.respond(junk, MagicDnsResolver.Transport.UDP))
                    .message());
            assertThat(m.header().id()).isEqualTo(0x1234);
            assertThat(m.header().rcode()).isEqualTo(DnsRcode.FORMERR);
            assertThat(m.questions()).isEmpty();
        }
        DnsMessage tiny = DnsMessage.parse(((DnsOutcome.Answer) r.respond(new byte[1],
                MagicDnsResolver.Transport.UDP)).message());
        assertThat(tiny.header().rcode()).isEqualTo(DnsRcode.FORMERR);
    }

    @Test
    void answersHonourTheUdpSizeOfTheQueryAndNeverExceed4095Bytes() throws Exception {
        StringBuilder records = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            records.append(i == 0 ? "" : ",").append("{'Name':'many.tailnet.test','Value':'10.0.")
                    .append(i / 256).append('.').append(i % 256).append("'}");
        }
        Netmap many = TestNetmaps.netmap(TestNetmaps.DUAL_STACK_SELF, "",
                "{'Proxied':true,'ExtraRecords':[" + records + "]}");
        MagicDnsResolver r = MagicDnsResolver.of(many, NETMAP_TIME);
        DnsQuestion question = new DnsQuestion("many.tailnet.test.", DnsType.A, DnsClass.IN);
        List<DnsRecord> opt = new ArrayList<>();
        opt.add(new DnsRecord(".", DnsType.OPT, 1232, 0, new DnsRdata.Opaque(new byte[0])));

        byte[] classic = answerBytes(r, new DnsMessage(DnsHeader.query(1), List.of(question), List.of(), List.of(),
                List.of()), MagicDnsResolver.Transport.UDP);
        byte[] edns = answerBytes(r, new DnsMessage(DnsHeader.query(1), List.of(question), List.of(), List.of(),
                opt), MagicDnsResolver.Transport.UDP);
        byte[] tcp = answerBytes(r, new DnsMessage(DnsHeader.query(1), List.of(question), List.of(), List.of(),
                List.of()), MagicDnsResolver.Transport.TCP);
        assertThat(classic.length).isLessThanOrEqualTo(512);
        assertThat(edns.length).isLessThanOrEqualTo(1232).isGreaterThan(512);
        assertThat(tcp.length).isLessThanOrEqualTo(4095).isGreaterThan(1232);
        for (byte[] wire : List.of(classic, edns, tcp)) {
            assertThat(DnsMessage.parse(wire).header().truncated()).isTrue();
        }
    }

    private static byte[] answerBytes(MagicDnsResolver r, DnsMessage query, MagicDnsResolver.Transport transport) {
        return ((DnsOutcome.Answer) r.respond(query.encode(4095), transport)).message();
    }
}
