package io.microlink.portmap;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The mapper against a scripted NAT-PMP gateway on a loopback address's port 5351. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PortMapperTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final Inet4Address GATEWAY = (Inet4Address) InetAddress.ofLiteral("127.35.51.1");

    /** Answers each request with {@code answers[opcode]}, first sending {@code spoof} from another port. */
    private static Thread gateway(DatagramSocket s, String externalAnswer, String mappingAnswer, boolean spoof) {
        return Thread.startVirtualThread(() -> {
            try (DatagramSocket other = new DatagramSocket(new InetSocketAddress(GATEWAY, 0))) {
                byte[] buf = new byte[64];
                while (!s.isClosed()) {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    s.receive(p);
                    byte[] answer = HEX.parseHex(buf[1] == 0 ? externalAnswer : mappingAnswer);
                    if (spoof) {
                        // Someone else on the LAN claims a mapping to its own address: ignored.
                        other.send(new DatagramPacket(HEX.parseHex("00800000000000010a000066"), 12, p.getSocketAddress()));
                    }
                    s.send(new DatagramPacket(answer, answer.length, p.getSocketAddress()));
                }
            } catch (Exception e) {
                // closed: the test is over
            }
        });
    }

    @Test
    void aGrantedMappingBecomesTheExternalEndpoint() throws Exception {
        try (DatagramSocket gw = new DatagramSocket(new InetSocketAddress(GATEWAY, NatPmp.PORT))) {
            // external 203.0.113.2; UDP 41641 mapped to 60001 for 7200 s
            gateway(gw, "008000000000000acb007102", "008100000000000aa2a9ea6100001c20", true);
            CountDownLatch changed = new CountDownLatch(1);
            PortMapper mapper = new PortMapper(() -> GATEWAY, changed::countDown);
            assertThat(mapper.mapped(41641)).isNull(); // asks in the background
            assertThat(changed.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(mapper.mapped(41641)).isEqualTo(new InetSocketAddress(InetAddress.ofLiteral("203.0.113.2"), 60001));
            assertThat(mapper.mapped(41642)).as("another local port has no mapping yet").isNull();
            mapper.close();
        }
    }

    @Test
    void aNetworkChangeDropsTheOldGatewaysMappingAndAsksTheNewGatewayAtOnce() throws Exception {
        // Gateway addresses of this test's own: a closed socket's port is freed only once its reader has left.
        Inet4Address before = (Inet4Address) InetAddress.ofLiteral("127.35.53.1");
        Inet4Address second = (Inet4Address) InetAddress.ofLiteral("127.35.53.2");
        try (DatagramSocket first = new DatagramSocket(new InetSocketAddress(before, NatPmp.PORT));
             DatagramSocket next = new DatagramSocket(new InetSocketAddress(second, NatPmp.PORT))) {
            gateway(first, "008000000000000acb007102", "008100000000000aa2a9ea6100001c20", false);
            // external 198.51.100.9; UDP 41641 mapped to 60002
            gateway(next, "008000000000000ac6336409", "008100000000000aa2a9ea6200001c20", false);
            AtomicReference<Inet4Address> now = new AtomicReference<>(before);
            Semaphore changed = new Semaphore(0);
            PortMapper mapper = new PortMapper(now::get, changed::release);
            mapper.mapped(41641);
            assertThat(changed.tryAcquire(10, TimeUnit.SECONDS)).isTrue();
            assertThat(mapper.mapped(41641)).isEqualTo(new InetSocketAddress(InetAddress.ofLiteral("203.0.113.2"), 60001));

            now.set(second);
            mapper.networkChanged();
            assertThat(mapper.mapped(41641)).as("the old gateway's mapping is gone at once").isNull();
            // Asked as magicsock asks, call after call: a call while the first question is still
            // finishing starts none, and the next one does (no pause earned by the old gateway).
            InetSocketAddress fresh = new InetSocketAddress(InetAddress.ofLiteral("198.51.100.9"), 60002);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!fresh.equals(mapper.mapped(41641)) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(mapper.mapped(41641)).isEqualTo(fresh);
            mapper.close();
        }
    }

    @Test
    void aRefusalOrSilenceGivesNoEndpoint() throws Exception {
        // Not GATEWAY: another test's reader may still hold its port (freed only once the reader left).
        Inet4Address refusing = (Inet4Address) InetAddress.ofLiteral("127.35.51.3");
        try (DatagramSocket gw = new DatagramSocket(new InetSocketAddress(refusing, NatPmp.PORT))) {
            // result 2 (not authorized) to the mapping, in the short 8-byte form
            gateway(gw, "008000000000000acb007102", "0081000200000010", false);
            PortMapper mapper = new PortMapper(() -> refusing, () -> { });
            assertThat(mapper.request(refusing, 41641)).isNull();
        }
        // nobody at all on the gateway's port: three tries, 1.75 s, nothing
        PortMapper mapper = new PortMapper(() -> GATEWAY, () -> { });
        long start = System.nanoTime();
        assertThat(mapper.request(InetAddress.ofLiteral("127.35.51.2"), 41641)).isNull();
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isBetween(1500L, 5000L);
    }

    @Test
    void anExternalAddressNoPeerCouldUseGivesNoEndpoint() throws Exception {
        // 127.0.0.1 and 0.0.0.0 would point a peer at itself, 169.254.1.1 at its own link,
        // 224.0.0.1 and 255.255.255.255 at everyone there: none goes to control.
        List<String> externals = List.of("7f000001", "00000000", "a9fe0101", "e0000001", "ffffffff");
        for (int i = 0; i < externals.size(); i++) {
            // A gateway address of its own each: a closed socket's port is freed only once its reader has left.
            InetAddress address = InetAddress.ofLiteral("127.35.52." + (i + 1));
            try (DatagramSocket gw = new DatagramSocket(new InetSocketAddress(address, NatPmp.PORT))) {
                gateway(gw, "008000000000000a" + externals.get(i), "008100000000000aa2a9ea6100001c20", false);
                PortMapper mapper = new PortMapper(() -> GATEWAY, () -> { });
                assertThat(mapper.request(address, 41641)).as(externals.get(i)).isNull();
            }
        }
    }

    @Test
    void withoutAGatewayNothingIsAsked() throws Exception {
        CountDownLatch changed = new CountDownLatch(1);
        PortMapper mapper = new PortMapper(() -> null, changed::countDown);
        assertThat(mapper.mapped(41641)).isNull();
        assertThat(changed.await(500, TimeUnit.MILLISECONDS)).isFalse();
    }
}
