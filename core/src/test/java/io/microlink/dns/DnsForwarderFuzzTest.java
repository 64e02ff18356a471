package io.microlink.dns;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.SplittableRandom;

class DnsForwarderFuzzTest {
    private static final InetSocketAddress UP1 = new InetSocketAddress("192.0.2.1", 53);
    private static final InetSocketAddress UP2 = new InetSocketAddress("192.0.2.2", 53);
    private static final int CLIENT_LIMIT = 512;
    private static final byte[] QUERY = new DnsMessage(DnsHeader.query(0x4D2), List.of(new DnsQuestion(
            "WwW.Example.com.", DnsType.A, DnsClass.IN)), List.of(), List.of(), List.of()).encode(512);

    /**
     * Any bytes as an upstream's answer (given the awaited ID, so the fuzzer gets past it): the
     * forwarder ignores them, asks again (TCP after TC, the next upstream after a failure), or
     * answers the client with a well-formed message of the client's ID and question within its
     * limit; the same then holds for an answer out of the cache, and nothing throws.
     */
    @FuzzTest
    void upstreamAnswer(byte[] answer) throws DnsFormatException {
        DnsForwarder<String> f = new DnsForwarder<>(DnsForwarder.Limits.DEFAULT, new SplittableRandom(3));
        DnsForwarder.Send<String> s = (DnsForwarder.Send<String>) f.query("c", QUERY, CLIENT_LIMIT,
                List.of(UP1, UP2), 0).getFirst();
        if (answer.length >= 2) {
            answer[0] = s.message()[0];
            answer[1] = s.message()[1];
        }
        List<DnsForwarder.Action<String>> next = f.answer(s.exchange(), UP1, answer, 1_000_000_000L);
        assertThat(next).hasSizeLessThanOrEqualTo(1);
        if (next.isEmpty()) {
            assertThat(f.awaits(s.exchange())).isTrue();
            return;
        }
        switch (next.getFirst()) {
            case DnsForwarder.Send<String> again -> assertThat(again.upstream())
                    .isEqualTo(again.transport() == DnsForwarder.Transport.TCP ? UP1 : UP2);
            case DnsForwarder.Reply<String> r -> {
                checkReply(r.message());
                for (DnsForwarder.Action<String> a : f.query("d", QUERY, CLIENT_LIMIT, List.of(UP1, UP2), 2_000_000_000L)) {
                    if (a instanceof DnsForwarder.Reply<String> cached) {
                        checkReply(cached.message());
                    }
                }
            }
        }
    }

    private static void checkReply(byte[] message) throws DnsFormatException {
        assertThat(message.length).isLessThanOrEqualTo(CLIENT_LIMIT);
        DnsMessage m = DnsMessage.parse(message);
        assertThat(m.header().id()).isEqualTo(0x4D2);
        assertThat(m.header().response()).isTrue();
        assertThat(m.questions()).containsExactly(new DnsQuestion("WwW.Example.com.", DnsType.A, DnsClass.IN));
    }
}
