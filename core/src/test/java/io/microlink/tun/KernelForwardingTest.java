package io.microlink.tun;

import static org.assertj.core.api.Assertions.assertThat;

import io.microlink.route.Prefix;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which families get rules, and when the node must warn that the kernel will not forward; the rules themselves are tested against the kernel in interop. */
class KernelForwardingTest {
    @TempDir
    Path procSys;

    private void sysctl(String path, String value) throws Exception {
        Path file = procSys.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, value + "\n");
    }

    @Test
    void theAdvertisedRoutesFamiliesGetRules() {
        Prefix v4 = Prefix.parse("192.168.50.0/24").orElseThrow();
        Prefix v6 = Prefix.parse("fd00:50::/64").orElseThrow();
        assertThat(KernelForwarding.familiesOf(List.of(v4))).containsExactly(KernelForwarding.Family.IPV4);
        assertThat(KernelForwarding.familiesOf(List.of(v6))).containsExactly(KernelForwarding.Family.IPV6);
        assertThat(KernelForwarding.familiesOf(List.of(Prefix.parse("0.0.0.0/0").orElseThrow(),
                Prefix.parse("::/0").orElseThrow()))).containsExactly(KernelForwarding.Family.IPV4,
                KernelForwarding.Family.IPV6);
    }

    @Test
    void forwardingThatIsOffIsNamedBySysctlAndOnOrUnknownIsNot() throws Exception {
        List<KernelForwarding.Family> both = List.of(KernelForwarding.Family.IPV4, KernelForwarding.Family.IPV6);
        assertThat(KernelForwarding.forwardingOff(procSys, both)).as("unknown: no files").isEmpty();
        sysctl("net/ipv4/ip_forward", "0");
        sysctl("net/ipv6/conf/all/forwarding", "0");
        assertThat(KernelForwarding.forwardingOff(procSys, both))
                .containsExactly("net.ipv4.ip_forward", "net.ipv6.conf.all.forwarding");
        assertThat(KernelForwarding.forwardingOff(procSys, List.of(KernelForwarding.Family.IPV4)))
                .as("only the families routed are asked about").containsExactly("net.ipv4.ip_forward");
        sysctl("net/ipv4/ip_forward", "1");
        assertThat(KernelForwarding.forwardingOff(procSys, both)).containsExactly("net.ipv6.conf.all.forwarding");
    }
}
