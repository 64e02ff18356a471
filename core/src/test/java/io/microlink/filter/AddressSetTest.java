package io.microlink.filter;

import static io.microlink.filter.Packets.address;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AddressSetTest {
    private static AddressSet set(String... texts) {
        List<AddressRange> ranges = new ArrayList<>();
        for (String t : texts) {
            ranges.addAll(AddressRange.parse(t));
        }
        return AddressSet.of(ranges);
    }

    @Test
    void singleAddressesOfBothFamilies() {
        AddressSet s = set("100.64.0.1", "fd7a:115c:a1e0::1");

        assertThat(s.contains(address("100.64.0.1"))).isTrue();
        assertThat(s.contains(address("100.64.0.2"))).isFalse();
        assertThat(s.contains(address("fd7a:115c:a1e0::1"))).isTrue();
        assertThat(s.contains(address("fd7a:115c:a1e0::2"))).isFalse();
    }

    @Test
    void starIsEveryAddressOfBothFamilies() {
        AddressSet s = set("*");

        assertThat(s.contains(address("0.0.0.0"))).isTrue();
        assertThat(s.contains(address("255.255.255.255"))).isTrue();
        assertThat(s.contains(address("::"))).isTrue();
        assertThat(s.contains(address("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"))).isTrue();
    }

    @Test
    void prefixesCoverExactlyTheirNetwork() {
        AddressSet s = set("100.64.0.0/10", "fd7a:115c:a1e0::/48", "::/0");

        assertThat(s.contains(address("100.127.255.255"))).isTrue();
        assertThat(s.contains(address("100.128.0.0"))).isFalse();
        assertThat(s.contains(address("100.63.255.255"))).isFalse();
        assertThat(s.contains(address("2001:db8::1"))).as("::/0 is all of IPv6").isTrue();
        assertThat(set("::/0").contains(address("1.2.3.4"))).as("but no IPv4").isFalse();
        assertThat(set("fd7a:115c:a1e0::/48").contains(address("fd7a:115c:a1e0:ffff::1"))).isTrue();
        assertThat(set("fd7a:115c:a1e0::/48").contains(address("fd7a:115c:a1e1::"))).isFalse();
        assertThat(set("10.0.0.1/32").contains(address("10.0.0.1"))).isTrue();
    }

    @Test
    void rangesAreInclusive() {
        AddressSet s = set("100.64.1.0-100.64.1.20", "fd7a::ffff:ffff:ffff:fff0-fd7a::1:0:0:0:5");

        assertThat(s.contains(address("100.64.1.0"))).isTrue();
        assertThat(s.contains(address("100.64.1.20"))).isTrue();
        assertThat(s.contains(address("100.64.1.21"))).isFalse();
        assertThat(s.contains(address("fd7a::1:0:0:0:0"))).as("across the 64-bit boundary").isTrue();
        assertThat(s.contains(address("fd7a::1:0:0:0:6"))).isFalse();
    }

    @Test
    void overlappingAndAdjacentRangesMerge() {
        AddressSet s = set("10.0.0.0/25", "10.0.0.128/25", "10.0.0.5", "10.0.1.0-10.0.1.9");

        assertThat(s.contains(address("10.0.0.127"))).isTrue();
        assertThat(s.contains(address("10.0.0.128"))).isTrue();
        assertThat(s.contains(address("10.0.1.10"))).isFalse();
    }

    @Test
    void capabilitySourcesNameNoAddresses() {
        assertThat(AddressRange.parse("cap:tailscale.com/cap/test")).isEmpty();
    }

    @Test
    void malformedFormsAreRefusedWithoutNameLookups() {
        for (String bad : List.of("10.0.0.1/8", "fd7a::1/64", "10.0.0.0/33", "10.0.0.9-10.0.0.1", "10.0.0.1-::1",
                "example.com", "", "1.2.3.4/x", "1.2.3.4-")) {
            assertThatThrownBy(() -> AddressRange.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
