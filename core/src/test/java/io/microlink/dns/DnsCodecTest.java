package io.microlink.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Hostile input, size limits and truncation; known-answer bytes are in {@link DnsVectorsTest}. */
class DnsCodecTest {
    private static final HexFormat HEX = HexFormat.of();
    /** Header of a query with one question, then the name starts at offset 12. */
    private static final String ONE_QUESTION = "123401000001000000000000";

    private static DnsMessage answer(int count) {
        List<DnsRecord> answers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            answers.add(DnsRecord.address("web.tailnet.test.", InetAddress.ofLiteral("100.64.0." + i), 5));
        }
        return new DnsMessage(DnsHeader.query(1).answer(DnsRcode.NOERROR),
                List.of(new DnsQuestion("web.tailnet.test.", DnsType.A, DnsClass.IN)), answers, List.of(),
                List.of(DnsRecord.ptr("extra.tailnet.test.", "web.tailnet.test.", 5)));
    }

    @Test
    void malformedMessagesAreRejectedWithAReason() {
        assertRejected("1234", "header");
        assertRejected(ONE_QUESTION + "03747331", "past the end");
        assertRejected(ONE_QUESTION + "c00c00010001", "compression pointers");          // points at itself
        assertRejected(ONE_QUESTION + "c0", "cut short");
        assertRejected(ONE_QUESTION + "40" + "61".repeat(64) + "0000010001", "at most 63");
        assertRejected(ONE_QUESTION + ("3f" + "61".repeat(63)).repeat(4) + "0000010001", "longer than 255");
        assertRejected(ONE_QUESTION + "03612e6200" + "00010001", "dot");
        assertRejected(ONE_QUESTION + "0000", "question");
        // An A record whose rdata length says 5.
        assertRejected("123481000000000100000000" + "00" + "0001000100000005" + "0005" + "0102030405",
                "address record of 5 bytes");
        // A PTR whose name runs beyond its rdata length.
        assertRejected("123481000000000100000000" + "00" + "000c000100000005" + "0001" + "0161" + "00",
                "rdata is 1 bytes");
    }

    private static void assertRejected(String hex, String reason) {
        assertThatThrownBy(() -> DnsMessage.parse(HEX.parseHex(hex)))
                .isInstanceOf(DnsFormatException.class).hasMessageContaining(reason);
    }

    @Test
    void everyPrefixAndRandomCorruptionFailsOnlyWithDnsFormatException() {
        byte[] good = answer(3).encode(4095);
        Random random = new Random(42);
        for (int n = 0; n < 20_000; n++) {
            byte[] bad = n < good.length ? Arrays.copyOf(good, n) : good.clone();
            if (n >= good.length) {
                for (int k = 0; k < 3; k++) {
                    bad[random.nextInt(bad.length)] = (byte) random.nextInt(256);
                }
            }
            try {
                DnsMessage.parse(bad);
            } catch (DnsFormatException expected) {
                // the one acceptable failure
            }
        }
    }

    @Test
    void answersThatDoNotFitAreDroppedWithTc() throws Exception {
        byte[] full = answer(40).encode(4095);
        DnsMessage whole = DnsMessage.parse(full);
        assertThat(whole.answers()).hasSize(40);
        assertThat(whole.header().truncated()).isFalse();

        byte[] cut = answer(40).encode(DnsMessage.CLASSIC_UDP_LIMIT);
        DnsMessage truncated = DnsMessage.parse(cut);
        assertThat(cut.length).isLessThanOrEqualTo(512);
        assertThat(truncated.header().truncated()).isTrue();
        assertThat(truncated.answers()).hasSizeBetween(1, 39);
        assertThat(truncated.additionals()).isEmpty();
    }

    @Test
    void losingOnlyAdditionalRecordsDoesNotSetTc() throws Exception {
        byte[] all = answer(1).encode(4095);
        DnsMessage cut = DnsMessage.parse(answer(1).encode(all.length - 1));
        assertThat(cut.answers()).hasSize(1);
        assertThat(cut.additionals()).isEmpty();
        assertThat(cut.header().truncated()).isFalse();
    }

    @Test
    void namesThatCannotBeEncodedAreRefused() {
        for (String bad : List.of("no-trailing-dot", "a..b.", "x".repeat(64) + ".", ("x".repeat(63) + ".").repeat(4),
                "caf\u20ac.")) {
            DnsMessage m = new DnsMessage(DnsHeader.query(1), List.of(new DnsQuestion(bad, DnsType.A, DnsClass.IN)),
                    List.of(), List.of(), List.of());
            assertThatThrownBy(() -> m.encode(4095)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void aQueryRoundTripsWithItsCaseKept() throws Exception {
        DnsMessage q = new DnsMessage(DnsHeader.query(0xBEEF),
                List.of(new DnsQuestion("Ts1.TailNet.test.", DnsType.AAAA, DnsClass.IN)), List.of(), List.of(),
                List.of());
        assertThat(DnsMessage.parse(q.encode(512))).isEqualTo(q);
    }
}
