package io.microlink.filter;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.microlink.control.wire.FilterRule;
import java.util.ArrayList;
import java.util.List;

class FilterFuzzTest {
    private static final String[] ADDRESSES = {"*", "100.64.0.0/10", "100.64.0.2", "fd7a:115c:a1e0::/48",
        "fd7a:115c:a1e0::2", "0.0.0.0/0", "::/0", "100.64.0.1-100.64.0.9", "autogroup:internet"};

    /**
     * Random rules (well-formed and not) compile, and random packets against them are judged
     * inbound and outbound without an exception; the verdict is the same when asked twice.
     */
    @FuzzTest
    void rulesAndPackets(FuzzedDataProvider data) {
        List<FilterRule> rules = new ArrayList<>();
        for (int i = data.consumeInt(0, 4); i > 0; i--) {
            List<String> sources = List.of(address(data), address(data));
            List<FilterRule.NetPortRange> ports = List.of(new FilterRule.NetPortRange(address(data),
                    new FilterRule.PortRange(data.consumeInt(-1, 65536), data.consumeInt(-1, 65536))));
            List<Integer> protocols = data.consumeBoolean() ? null : List.of(data.consumeInt(-1, 256));
            rules.add(new FilterRule(sources, ports, protocols));
        }
        Firewall firewall = new Firewall();
        firewall.install(PacketFilter.of(rules, List.of(Packets.US4, Packets.US6)));
        byte[] packet = data.consumeRemainingAsBytes();
        firewall.outbound(packet, 0, packet.length);
        Verdict first = firewall.inbound(packet, 0, packet.length);
        assertThat(first).isNotNull();
    }

    private static String address(FuzzedDataProvider data) {
        return data.consumeBoolean() ? data.pickValue(ADDRESSES) : data.consumeString(40);
    }
}
