package io.microlink.interop.tun;

import io.microlink.netstack.Headroom;
import static org.assertj.core.api.Assertions.assertThat;

import io.microlink.interop.Exec;
import io.microlink.netstack.ip.IpPacket;
import io.microlink.netstack.ip.IpPacketBuilder;
import io.microlink.netstack.udp.UdpDatagram;
import io.microlink.tun.TunInterface;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * TUN mode's device against the real kernel, in the test JVM's own loopback-only namespace
 * (as root): the interface it configures, addresses following the netmap, and packets both ways.
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class TunInterfaceTest {
    private static final String DEV = "mltun-dev";
    private static final Duration IP = Duration.ofSeconds(15);

    @Test
    void theDeviceIsConfiguredFollowsAddressChangesCarriesPacketsAndVanishesOnClose() throws Exception {
        BlockingQueue<byte[]> fromOs = new LinkedBlockingQueue<>();
        InetAddress first = InetAddress.getByName("100.64.0.7"), second = InetAddress.getByName("100.64.0.8");
        InetAddress v6 = InetAddress.getByName("fd7a:115c:a1e0::7");
        try (TunInterface tun = TunInterface.openOrFallBack(DEV,
                (buf, off, len) -> fromOs.add(Arrays.copyOfRange(buf, off, off + len)), Headroom.NONE).orElseThrow()) {
            assertThat(tun.name()).isEqualTo(DEV);
            assertThat(ip("link", "show", "dev", DEV)).contains("mtu 1280").containsPattern("[<,]UP[,>]");
            assertThat(ip("-4", "route", "show", "dev", DEV)).contains("100.64.0.0/10", "100.100.100.100");
            assertThat(ip("-6", "route", "show", "dev", DEV)).contains("fd7a:115c:a1e0::/48");

            tun.setAddresses(List.of(first, v6));
            assertThat(ip("addr", "show", "dev", DEV)).contains("inet 100.64.0.7/32", "inet6 fd7a:115c:a1e0::7/128");
            tun.setAddresses(List.of(second, v6)); // control renumbered the node
            assertThat(ip("addr", "show", "dev", DEV)).contains("inet 100.64.0.8/32").doesNotContain("100.64.0.7");
            tun.setAddresses(List.of()); // the kernel drops IPv4 routes with the last IPv4 address...
            tun.setAddresses(List.of(second));
            assertThat(ip("addr", "show", "dev", DEV)).contains("inet 100.64.0.8/32").doesNotContain("fd7a:115c:a1e0::7");
            assertThat(ip("-4", "route", "show", "dev", DEV)).as("...and they are put back")
                    .contains("100.64.0.0/10", "100.100.100.100");

            try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(second, 0))) {
                socket.setSoTimeout(10_000);
                // The OS routes a tailnet destination into the device, from the node's address.
                byte[] out = "to the tailnet".getBytes(StandardCharsets.US_ASCII);
                socket.send(new DatagramPacket(out, out.length, InetAddress.getByName("100.64.0.99"), 9));
                byte[] raw = waitFor(fromOs);
                IpPacket sent = IpPacket.parse(raw, 0, raw.length);
                assertThat(InetAddress.getByAddress(sent.source())).isEqualTo(second);
                assertThat(InetAddress.getByAddress(sent.destination()).getHostAddress()).isEqualTo("100.64.0.99");

                // A packet written to the device (as a peer's would be) reaches the OS's socket.
                byte[] in = "from a peer".getBytes(StandardCharsets.US_ASCII);
                byte[] packet = UdpDatagram.packet(new IpPacketBuilder(1), InetAddress.getByName("100.64.0.99")
                        .getAddress(), second.getAddress(), 4444, socket.getLocalPort(), in, 0, in.length);
                assertThat(tun.isAddressedToOs(packet, 0, packet.length)).isTrue();
                assertThat(tun.isAddressedToOs(sent.buffer(), 0, sent.length())).isFalse();
                tun.write(packet, 0, packet.length);
                DatagramPacket received = new DatagramPacket(new byte[100], 100);
                socket.receive(received);
                assertThat(Arrays.copyOf(received.getData(), received.getLength())).isEqualTo(in);
                assertThat(received.getPort()).isEqualTo(4444);
            }
        }
        Exec.Result gone = Exec.run(IP, List.of("ip", "link", "show", "dev", DEV));
        assertThat(gone.succeeded()).as("the device is removed on close").isFalse();
    }

    private static byte[] waitFor(BlockingQueue<byte[]> queue) throws InterruptedException {
        // The kernel may send IPv6 housekeeping (router solicitations) first; skip to our datagram.
        for (long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10); System.nanoTime() < end; ) {
            byte[] p = queue.poll(1, TimeUnit.SECONDS);
            if (p != null && (p[0] & 0xf0) == 0x40 && p[9] == 17) {
                return p;
            }
        }
        throw new AssertionError("no UDP packet from the OS came out of the device");
    }

    private static String ip(String... args) {
        List<String> command = new ArrayList<>(List.of("ip"));
        command.addAll(List.of(args));
        return Exec.run(IP, command).requireSuccess().stdout();
    }
}
