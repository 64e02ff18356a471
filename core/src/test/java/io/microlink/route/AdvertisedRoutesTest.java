package io.microlink.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The checks of {@code tailscale up --advertise-routes} (its {@code netutil.CalcAdvertiseRoutes}), in one line each. */
class AdvertisedRoutesTest {
    private static List<String> parse(boolean exit, String... routes) {
        return AdvertisedRoutes.parse(List.of(routes), exit).stream().map(Prefix::toString).toList();
    }

    @Test
    void subnetsAreKeptOnceShorterFirstAndTheExitNodeAddsBothDefaultRoutes() {
        assertThat(parse(false, "192.168.50.0/24", " 10.0.0.0/8 ", "192.168.50.0/24", "")).containsExactly(
                "10.0.0.0/8", "192.168.50.0/24");
        assertThat(parse(true, "192.168.50.0/24")).containsExactly("0.0.0.0/0", "::/0", "192.168.50.0/24");
        assertThat(parse(false, "0.0.0.0/0", "::/0")).containsExactly("0.0.0.0/0", "::/0");
        assertThat(parse(false, "fd00:1::/64", "198.51.100.7/32")).containsExactly("198.51.100.7/32", "fd00:1::/64");
        assertThat(parse(false)).isEmpty();
    }

    @Test
    void hostBitsAreRefusedWithTheNetworkToUseInstead() {
        assertThatThrownBy(() -> parse(false, "192.168.50.1/24")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("192.168.50.1/24 has non-address bits set; expected 192.168.50.0/24");
        assertThatThrownBy(() -> parse(false, "fd00::1/64")).hasMessageContaining("expected fd00:0:0:0:0:0:0:0/64"
                .replace("fd00:0:0:0:0:0:0:0", "fd00::"));
    }

    @Test
    void aViaRouteIsTakenAsTailscaleUpTakesIt() {
        assertThat(parse(false, "fd7a:115c:a1e0:b1a:0:7:a4d:0/120")).containsExactly("fd7a:115c:a1e0:b1a:0:7:a4d:0/120");
        // Tailscale's ValidateViaPrefix: at least /96, the site ID 0xffff or less.
        assertThatThrownBy(() -> parse(false, "fd7a:115c:a1e0:b1a::/64")).hasMessageContaining("/96 or longer");
        assertThatThrownBy(() -> parse(false, "fd7a:115c:a1e0:b1a:1:0:a00:0/104"))
                .hasMessageContaining("reserved site ID 65536");
    }

    @Test
    void whatIsNoPrefixIsRefusedWithoutAnyLookup() {
        assertThatThrownBy(() -> parse(false, "192.168.50.0")).hasMessageContaining("is not a CIDR prefix");
        assertThatThrownBy(() -> parse(false, "example.com/24")).hasMessageContaining("not a valid IP address");
        assertThatThrownBy(() -> parse(false, "10.0.0.0/33")).hasMessageContaining("not a valid IP address");
        assertThatThrownBy(() -> parse(false, "10.0.0.0/x")).hasMessageContaining("not a valid IP address");
    }

    @Test
    void oneDefaultRouteAloneIsRefusedPointingAtTheExitNodeFlag() {
        assertThatThrownBy(() -> parse(false, "0.0.0.0/0")).hasMessageContaining("without ::/0")
                .hasMessageContaining("--advertise-exit-node");
        assertThatThrownBy(() -> parse(false, "::/0", "10.0.0.0/8")).hasMessageContaining("without 0.0.0.0/0");
        assertThat(AdvertisedRoutes.offersExit(AdvertisedRoutes.parse(List.of(), true))).isTrue();
        assertThat(AdvertisedRoutes.offersExit(AdvertisedRoutes.parse(List.of("10.0.0.0/8"), false))).isFalse();
    }
}
