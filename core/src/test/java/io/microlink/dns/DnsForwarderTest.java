package io.microlink.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The forwarder's decisions on known messages, with no sockets: time is a number the test moves. */
class DnsForwarderTest {
    private static final InetSocketAddress UP1 = new InetSocketAddress("192.0.2.1", 53);
    private static final InetSocketAddress UP2 = new InetSocketAddress("192.0.2.2", 53);
    private static final long SECOND = 1_000_000_000L;
    private static final InetAddress WWW = InetAddress.ofLiteral("198.51.100.7");

    private final DnsForwarder<String> forwarder = new DnsForwarder<>(DnsForwarder.Limits.DEFAULT, new SplittableRandom(7));

    private static byte[] query(int id, String name, int type) {
        return new DnsMessage(DnsHeader.query(id), List.of(new DnsQuestion(name, type, DnsClass.IN)), List.of(),
                List.of(), List.of()).encode(512);
    }

    /** The answer to {@code sent} (same ID and question) with these records, as an upstream would send it. */
    private static byte[] answerTo(byte[] sent, int rcode, List<DnsRecord> answers, List<DnsRecord> authority)
            throws DnsFormatException {
        DnsMessage q = DnsMessage.parse(sent);
        DnsHeader h = new DnsHeader(q.header().id(), true, 0, false, false, true, true, false, false, rcode);
        return new DnsMessage(h, q.questions(), answers, authority, List.of()).encode(65535);
    }

    private static DnsForwarder.Send<String> send(List<DnsForwarder.Action<String>> actions) {
        assertThat(actions).singleElement().isInstanceOf(DnsForwarder.Send.class);
        return (DnsForwarder.Send<String>) actions.getFirst();
    }

    private static DnsMessage reply(List<DnsForwarder.Action<String>> actions, String client) throws DnsFormatException {
        assertThat(actions).singleElement().isInstanceOf(DnsForwarder.Reply.class);
        DnsForwarder.Reply<String> r = (DnsForwarder.Reply<String>) actions.getFirst();
        assertThat(r.client()).isEqualTo(client);
        return DnsMessage.parse(r.message());
    }

    private static int id(byte[] message) {
        return (message[0] & 0xFF) << 8 | message[1] & 0xFF;
    }

    private static List<DnsRecord> www(long ttl) {
        return List.of(DnsRecord.address("www.example.com.", WWW, ttl));
    }

    @Test
    void aQueryLeavesUnderAFreshIdAndItsAnswerReturnsUnderTheClientsId() throws Exception {
        byte[] q = query(0x1234, "www.example.com.", DnsType.A);
        DnsForwarder.Send<String> s = send(forwarder.query("client", q, 512, List.of(UP1, UP2), 0));
        assertThat(s.upstream()).isEqualTo(UP1);
        assertThat(s.transport()).isEqualTo(DnsForwarder.Transport.UDP);
        assertThat(s.deadlineNanos()).isEqualTo(2 * SECOND);
        assertThat(Arrays.copyOfRange(s.message(), 2, s.message().length)).isEqualTo(Arrays.copyOfRange(q, 2, q.length));

        DnsMessage m = reply(forwarder.answer(s.exchange(), UP1, answerTo(s.message(), 0, www(300), List.of()),
                SECOND), "client");
        assertThat(m.header().id()).isEqualTo(0x1234);
        assertThat(m.answers()).containsExactly(DnsRecord.address("www.example.com.", WWW, 300));
        assertThat(forwarder.outstanding()).isZero();
    }

    @Test
    void idsAreRandomNotSequential() {
        Set<Integer> ids = new HashSet<>();
        int previous = -1;
        int sequential = 0;
        for (int i = 0; i < 100; i++) {
            DnsForwarder.Send<String> s = send(forwarder.query("c", query(1, "n" + i + ".example.", DnsType.A), 512,
                    List.of(UP1), 0));
            ids.add(id(s.message()));
            sequential += id(s.message()) == previous + 1 ? 1 : 0;
            previous = id(s.message());
        }
        assertThat(ids).hasSizeGreaterThan(95);
        assertThat(sequential).isLessThan(3);
    }

    @Test
    void answersFromAnotherAddressWithAnotherIdOrQuestionOrMalformedAreIgnored() throws Exception {
        byte[] q = query(9, "www.example.com.", DnsType.A);
        DnsForwarder.Send<String> s = send(forwarder.query("c", q, 512, List.of(UP1), 0));
        byte[] good = answerTo(s.message(), 0, www(60), List.of());
        byte[] otherId = good.clone();
        otherId[1] ^= 1;
        byte[] otherQuestion = answerTo(query(id(s.message()), "www.example.org.", DnsType.A), 0, List.of(), List.of());
        byte[] notAResponse = s.message().clone();

        assertThat(forwarder.answer(s.exchange(), UP2, good, 0)).isEmpty();
        assertThat(forwarder.answer(s.exchange(), new InetSocketAddress("192.0.2.1", 5353), good, 0)).isEmpty();
        assertThat(forwarder.answer(s.exchange(), UP1, otherId, 0)).isEmpty();
        assertThat(forwarder.answer(s.exchange(), UP1, otherQuestion, 0)).isEmpty();
        assertThat(forwarder.answer(s.exchange(), UP1, notAResponse, 0)).isEmpty();
        assertThat(forwarder.answer(s.exchange(), UP1, Arrays.copyOf(good, good.length - 1), 0)).isEmpty();
        assertThat(forwarder.answer(s.exchange() + 1, UP1, good, 0)).isEmpty();
        assertThat(forwarder.ignored()).isEqualTo(7);
        assertThat(forwarder.awaits(s.exchange())).isTrue();

        assertThat(reply(forwarder.answer(s.exchange(), UP1, good, 0), "c").header().id()).isEqualTo(9);
    }

    @Test
    void aTruncatedUdpAnswerIsAskedAgainOverTcpAndTheTcpAnswerCounts() throws Exception {
        byte[] q = query(5, "www.example.com.", DnsType.A);
        DnsForwarder.Send<String> udp = send(forwarder.query("c", q, 4096, List.of(UP1, UP2), 0));
        byte[] tc = answerTo(udp.message(), 0, List.of(), List.of());
        tc[2] |= 0x02;

        DnsForwarder.Send<String> tcp = send(forwarder.answer(udp.exchange(), UP1, tc, SECOND));
        assertThat(tcp.upstream()).isEqualTo(UP1);
        assertThat(tcp.transport()).isEqualTo(DnsForwarder.Transport.TCP);
        assertThat(forwarder.awaits(udp.exchange())).as("the UDP exchange is over").isFalse();

        DnsMessage m = reply(forwarder.answer(tcp.exchange(), UP1, answerTo(tcp.message(), 0, www(60), List.of()),
                SECOND), "c");
        assertThat(m.header().truncated()).isFalse();
        assertThat(m.answers()).hasSize(1);
    }

    @Test
    void anAnswerLargerThanTheClientTakesIsCutToHeaderAndQuestionWithTc() throws Exception {
        byte[] q = query(5, "big.example.com.", DnsType.A);
        DnsForwarder.Send<String> s = send(forwarder.query("c", q, 512, List.of(UP1), 0));
        List<DnsRecord> many = java.util.stream.IntStream.range(0, 60).mapToObj(i -> DnsRecord.address(
                "big.example.com.", InetAddress.ofLiteral("198.51.100." + i), 60)).toList();
        byte[] big = answerTo(s.message(), 0, many, List.of());
        assertThat(big.length).isGreaterThan(512);

        DnsMessage m = reply(forwarder.answer(s.exchange(), UP1, big, 0), "c");
        assertThat(m.header().truncated()).isTrue();
        assertThat(m.header().id()).isEqualTo(5);
        assertThat(m.questions()).containsExactly(new DnsQuestion("big.example.com.", DnsType.A, DnsClass.IN));
        assertThat(m.answers()).isEmpty();

        // The same answer, from the cache, fits a client that takes 4096 bytes.
        DnsMessage whole = reply(forwarder.query("d", query(6, "big.example.com.", DnsType.A), 4096, List.of(UP1), 0),
                "d");
        assertThat(whole.header().truncated()).isFalse();
        assertThat(whole.answers()).hasSize(60);
    }

    @Test
    void cachedAnswersServeOtherClientsInTheirCaseWithAgedTtlsUntilTheyExpire() throws Exception {
        DnsForwarder.Send<String> s = send(forwarder.query("a", query(1, "www.example.com.", DnsType.A), 512,
                List.of(UP1), 0));
        reply(forwarder.answer(s.exchange(), UP1, answerTo(s.message(), 0, www(300), List.of()), 0), "a");

        DnsMessage hit = reply(forwarder.query("b", query(2, "WWW.Example.COM.", DnsType.A), 512, List.of(UP1),
                100 * SECOND), "b");
        assertThat(hit.header().id()).isEqualTo(2);
        assertThat(hit.questions().getFirst().name()).isEqualTo("WWW.Example.COM.");
        assertThat(hit.answers()).singleElement().extracting(DnsRecord::ttl).isEqualTo(200L);
        // Another type, or other upstreams, is another question.
        assertThat(forwarder.query("c", query(3, "www.example.com.", DnsType.AAAA), 512, List.of(UP1), 0).getFirst())
                .isInstanceOf(DnsForwarder.Send.class);
        assertThat(forwarder.query("c", query(3, "www.example.com.", DnsType.A), 512, List.of(UP2), 0).getFirst())
                .isInstanceOf(DnsForwarder.Send.class);

        assertThat(forwarder.query("d", query(4, "www.example.com.", DnsType.A), 512, List.of(UP1), 300 * SECOND)
                .getFirst()).as("expired").isInstanceOf(DnsForwarder.Send.class);
    }

    @Test
    void negativeAnswersAreCachedForTheSoaMinimumAndNotAtAllWithoutAnSoa() throws Exception {
        DnsRecord soa = new DnsRecord("example.com.", DnsType.SOA, DnsClass.IN, 600,
                new DnsRdata.Soa("ns.example.com.", "admin.example.com.", 1, 7200, 900, 86400, 60));
        DnsForwarder.Send<String> s = send(forwarder.query("a", query(1, "nope.example.com.", DnsType.A), 512,
                List.of(UP1), 0));
        assertThat(reply(forwarder.answer(s.exchange(), UP1, answerTo(s.message(), DnsRcode.NXDOMAIN, List.of(),
                List.of(soa)), 0), "a").header().rcode()).isEqualTo(DnsRcode.NXDOMAIN);

        DnsMessage hit = reply(forwarder.query("b", query(2, "nope.example.com.", DnsType.A), 512, List.of(UP1),
                59 * SECOND), "b");
        assertThat(hit.header().rcode()).isEqualTo(DnsRcode.NXDOMAIN);
        assertThat(hit.authorities()).singleElement().extracting(DnsRecord::ttl).isEqualTo(541L);
        assertThat(forwarder.query("c", query(3, "nope.example.com.", DnsType.A), 512, List.of(UP1), 61 * SECOND)
                .getFirst()).isInstanceOf(DnsForwarder.Send.class);

        DnsForwarder.Send<String> bare = send(forwarder.query("a", query(1, "bare.example.com.", DnsType.A), 512,
                List.of(UP1), 0));
        reply(forwarder.answer(bare.exchange(), UP1, answerTo(bare.message(), DnsRcode.NXDOMAIN, List.of(),
                List.of()), 0), "a");
        assertThat(forwarder.query("b", query(2, "bare.example.com.", DnsType.A), 512, List.of(UP1), 0).getFirst())
                .isInstanceOf(DnsForwarder.Send.class);
    }

    @Test
    void silenceOrServfailMovesToTheNextUpstreamAndTheLastFailureIsServfail() throws Exception {
        DnsForwarder.Send<String> first = send(forwarder.query("c", query(77, "www.example.com.", DnsType.A), 512,
                List.of(UP1, UP2), 0));
        DnsForwarder.Send<String> second = send(forwarder.answer(first.exchange(), UP1,
                answerTo(first.message(), DnsRcode.SERVFAIL, List.of(), List.of()), 0));
        assertThat(second.upstream()).isEqualTo(UP2);
        assertThat(id(second.message())).isNotEqualTo(id(first.message()));

        DnsMessage m = reply(forwarder.failed(second.exchange(), 2 * SECOND), "c");
        assertThat(m.header().id()).isEqualTo(77);
        assertThat(m.header().rcode()).isEqualTo(DnsRcode.SERVFAIL);
        assertThat(forwarder.failed(second.exchange(), 2 * SECOND)).isEmpty();
        assertThat(forwarder.outstanding()).isZero();
    }

    @Test
    void pastTheBoundOfWaitingQueriesOneIsDroppedAndCounted() {
        DnsForwarder<String> small = new DnsForwarder<>(new DnsForwarder.Limits(2, Duration.ofSeconds(2), 3, 16, 1 << 16),
                new SplittableRandom(1));
        small.query("a", query(1, "a.example.", DnsType.A), 512, List.of(UP1), 0);
        small.query("b", query(2, "b.example.", DnsType.A), 512, List.of(UP1), 0);
        assertThat(small.query("c", query(3, "c.example.", DnsType.A), 512, List.of(UP1), 0)).isEmpty();
        assertThat(small.refused()).isEqualTo(1);
        assertThat(small.outstanding()).isEqualTo(2);
    }

    @Test
    void malformedQueriesGetFormerrAndNoUpstreamGetsServfail() throws Exception {
        byte[] twoQuestions = new DnsMessage(DnsHeader.query(3), List.of(new DnsQuestion("a.example.", 1, 1),
                new DnsQuestion("b.example.", 1, 1)), List.of(), List.of(), List.of()).encode(512);
        assertThat(reply(forwarder.query("c", twoQuestions, 512, List.of(UP1), 0), "c").header().rcode())
                .isEqualTo(DnsRcode.FORMERR);
        assertThat(reply(forwarder.query("c", new byte[] {1, 2, 3}, 512, List.of(UP1), 0), "c").header().rcode())
                .isEqualTo(DnsRcode.FORMERR);
        DnsMessage none = reply(forwarder.query("c", query(4, "a.example.", DnsType.A), 512, List.of(), 0), "c");
        assertThat(none.header().rcode()).isEqualTo(DnsRcode.SERVFAIL);
        assertThat(none.header().id()).isEqualTo(4);
    }

    /**
     * A record whose name points into its own TTL (found by DnsForwarderFuzzTest): aging the TTL
     * would turn that byte into a bad label, so the cached answer is not served but asked again.
     */
    @Test
    void aCachedAnswerThatAgingWouldBreakIsAskedAgainNotServedMalformed() throws Exception {
        DnsForwarder.Send<String> s = send(forwarder.query("a", query(1, "www.example.com.", DnsType.A), 512,
                List.of(UP1), 0));
        byte[] head = answerTo(s.message(), 0, List.of(), List.of());
        int ttlAt = head.length + 6;
        // Name: a pointer to the TTL's last byte (0, the root); type TXT, class IN, TTL 0x01000000, no rdata.
        byte[] record = {(byte) 0xC0, (byte) (ttlAt + 3), 0, 16, 0, 1, 1, 0, 0, 0, 0, 0};
        byte[] upstream = Arrays.copyOf(head, head.length + record.length);
        System.arraycopy(record, 0, upstream, head.length, record.length);
        upstream[7] = 1;
        DnsMessage.parse(upstream);

        assertThat(reply(forwarder.answer(s.exchange(), UP1, upstream, 0), "a").answers()).hasSize(1);
        assertThat(forwarder.query("b", query(2, "www.example.com.", DnsType.A), 512, List.of(UP1), 2 * SECOND)
                .getFirst()).isInstanceOf(DnsForwarder.Send.class);
    }

    /**
     * An MX answer whose exchange name points back into the question: our codec keeps MX rdata
     * opaque, so only handing the upstream's bytes on (new ID aside) keeps that pointer right.
     */
    @Test
    void compressionPointersInsideOpaqueRdataSurviveByteForByte() throws Exception {
        byte[] q = query(0x0101, "example.com.", 15);
        DnsForwarder.Send<String> s = send(forwarder.query("c", q, 512, List.of(UP1), 0));
        // Header, question (name at offset 12), then one MX record: name = pointer to 12, rdata = preference 10,
        // exchange "mail" + pointer to 12.
        byte[] head = answerTo(s.message(), 0, List.of(), List.of());
        byte[] mx = {(byte) 0xC0, 12, 0, 15, 0, 1, 0, 0, 0x0E, 0x10, 0, 9, 0, 10, 4, 'm', 'a', 'i', 'l', (byte) 0xC0, 12};
        byte[] upstream = Arrays.copyOf(head, head.length + mx.length);
        System.arraycopy(mx, 0, upstream, head.length, mx.length);
        upstream[7] = 1; // ANCOUNT

        DnsForwarder.Reply<String> r = (DnsForwarder.Reply<String>) forwarder.answer(s.exchange(), UP1, upstream, 0)
                .getFirst();
        assertThat(Arrays.copyOfRange(r.message(), 2, r.message().length))
                .isEqualTo(Arrays.copyOfRange(upstream, 2, upstream.length));
        assertThat(id(r.message())).isEqualTo(0x0101);
    }
}
