package io.microlink.filter;

import static io.microlink.filter.Packets.PEER4;
import static io.microlink.filter.Packets.PEER6;
import static io.microlink.filter.Packets.US4;
import static io.microlink.filter.Packets.US6;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.microlink.control.wire.FilterRule;
import io.microlink.netstack.tcp.TcpSegment;
import io.microlink.tsmp.TsmpReject;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Truncated, corrupted and random packets are judged, never thrown on. */
class HostilePacketsTest {
    private final Firewall firewall = new Firewall();

    HostilePacketsTest() {
        FilterRule allowAll = new FilterRule(List.of("*"), List.of(new FilterRule.NetPortRange("*", new FilterRule.PortRange(0, 65535))), null);
        firewall.install(PacketFilter.of(List.of(allowAll), List.of(US4, US6)));
    }

    private void judgeEveryWay(byte[] b, int length) {
        assertThatCode(() -> {
            firewall.outbound(b, 0, length);
            firewall.inbound(b, 0, length);
            TsmpReject.forDroppedSyn(b, 0, length);
        }).doesNotThrowAnyException();
    }

    @Test
    void everyTruncationOfRealPackets() {
        for (byte[] p : List.of(Packets.tcp(PEER4, US4, 1, 22, TcpSegment.SYN), Packets.udp(PEER6, US6, 1, 53),
                Packets.icmp(PEER4, US4, 8, 0), Packets.ip(PEER4, US4, 99, new byte[] {'p'}))) {
            for (int length = 0; length <= p.length; length++) {
                judgeEveryWay(p, length);
            }
        }
    }

    @Test
    void randomBytesAndRandomlyCorruptedPackets() {
        Random random = new Random(99);
        byte[] template = Packets.tcp(PEER6, US6, 1, 22, TcpSegment.SYN);
        for (int i = 0; i < 20_000; i++) {
            byte[] b = new byte[random.nextInt(80)];
            random.nextBytes(b);
            if (b.length > 0) {
                b[0] = (byte) ((random.nextBoolean() ? 0x40 : 0x60) | (b[0] & 0x0f));
            }
            judgeEveryWay(b, b.length);
            byte[] corrupted = template.clone();
            corrupted[random.nextInt(corrupted.length)] = (byte) random.nextInt();
            judgeEveryWay(corrupted, corrupted.length);
        }
    }
}
