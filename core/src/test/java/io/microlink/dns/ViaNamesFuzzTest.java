package io.microlink.dns;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.net.Inet6Address;
import java.util.Arrays;
import java.util.Optional;

class ViaNamesFuzzTest {
    private static final byte[] VIA_PREFIX = {(byte) 0xfd, 0x7a, 0x11, 0x5c, (byte) 0xa1, (byte) 0xe0, 0x0b, 0x1a};

    /**
     * Any name a peer asks MagicDNS for (canonical, as the resolver hands it on) is either not a
     * 4via6 name or stands for an address in fd7a:115c:a1e0:b1a::/64; nothing throws.
     */
    @FuzzTest
    void address(FuzzedDataProvider data) {
        Optional<String> suffix = data.consumeBoolean() ? Optional.of(DnsNames.canonical(data.consumeString(64)))
                : Optional.empty();
        Optional<Inet6Address> via = ViaNames.address(DnsNames.canonical(data.consumeRemainingAsString()), suffix);
        via.ifPresent(a -> assertThat(Arrays.copyOf(a.getAddress(), 8)).isEqualTo(VIA_PREFIX));
    }
}
