package io.microlink.tun;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.microlink.control.wire.DnsConfig;
import io.microlink.dns.HostResolvers;
import io.microlink.dns.QuadHundredDnsServer;
import java.util.ArrayList;
import java.util.List;

class ResolvConfFuzzTest {
    /**
     * Any resolv.conf the host has (a DHCP client writes what a network's server says): its
     * resolvers are literals other than quad-100, its owner is one of three; nothing throws.
     */
    @FuzzTest
    void hostFile(FuzzedDataProvider data) {
        String symlink = data.consumeBoolean() ? data.consumeString(64) : null;
        String nsswitch = data.consumeBoolean() ? data.consumeString(256) : null;
        boolean resolvconf = data.consumeBoolean();
        String text = data.consumeRemainingAsString();
        assertThat(HostResolvers.nameservers(text)).allSatisfy(a -> {
            assertThat(a.isUnresolved()).isFalse();
            assertThat(a.getPort()).isEqualTo(53);
            assertThat(QuadHundredDnsServer.addresses()).doesNotContain(a.getAddress());
        });
        assertThat(ResolvConf.owner(text, symlink, nsswitch, resolvconf)).isNotNull();
        assertThat(ResolvConf.ours(text)).isEqualTo(text.contains(ResolvConf.MARKER));
    }

    /**
     * Any search domains control sends: the file written names quad-100 alone, in lines a
     * resolver reads as this node meant (no domain splits a line or starts a comment), and reads
     * back as ours with no host resolver in it.
     */
    @FuzzTest
    void searchDomains(FuzzedDataProvider data) {
        List<String> domains = new ArrayList<>();
        int n = data.consumeInt(0, 8);
        for (int i = 0; i < n; i++) {
            domains.add(data.consumeString(80));
        }
        String text = ResolvConf.wanted(new DnsConfig(null, null, null, domains, data.consumeBoolean(), null))
                .orElse(null);
        if (text == null) {
            return;
        }
        List<String> lines = text.lines().filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        assertThat(lines.getFirst()).isEqualTo("nameserver 100.100.100.100");
        assertThat(lines.size()).isLessThanOrEqualTo(2);
        if (lines.size() == 2) {
            assertThat(lines.get(1)).startsWith("search ");
            for (String word : lines.get(1).substring("search ".length()).split(" ", -1)) {
                assertThat(word).matches("[\\x21-\\x7e&&[^#;]]+");
            }
        }
        assertThat(ResolvConf.ours(text)).isTrue();
        assertThat(HostResolvers.nameservers(text)).isEmpty();
    }
}
