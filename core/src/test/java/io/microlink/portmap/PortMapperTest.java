package io.microlink.portmap;

import static org.assertj.core.api.Assertions.assertThat;

import io.microlink.PortMapping;
import io.microlink.netstack.relay.SocketBinder;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The mapper against a {@link ScriptedGateway}. Each test has gateway addresses of its own: a
 * closed socket's port is freed only once its reader has left.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PortMapperTest {
    private static final int PORT = 41641;

    private static PortMapper mapper(Supplier<Inet4Address> gateway, Duration epochCheck, Runnable changed) {
        return new PortMapper(gateway, List.of(new NatPmpClient(SocketBinder.DEFAULT_ROUTE),
                new PcpClient(SocketBinder.DEFAULT_ROUTE)), epochCheck, changed);
    }

    private static InetSocketAddress at(String address, int port) {
        return new InetSocketAddress(InetAddress.ofLiteral(address), port);
    }

    /** Calls {@link PortMapper#mapped} as magicsock does, call after call, until it answers {@code want}. */
    private static void awaitMapped(PortMapper mapper, InetSocketAddress want) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!want.equals(mapper.mapped(PORT)) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(mapper.mapped(PORT)).isEqualTo(want);
    }

    @Test
    void aNatPmpGrantBecomesTheExternalEndpoint() throws Exception {
        try (ScriptedGateway gw = new ScriptedGateway("127.35.51.1")) {
            Semaphore changed = new Semaphore(0);
            PortMapper mapper = mapper(() -> gw.address, PortMapper.EPOCH_CHECK, changed::release);
            assertThat(mapper.mapped(PORT)).isNull(); // asks in the background
            assertThat(changed.tryAcquire(10, TimeUnit.SECONDS)).isTrue();
            assertThat(mapper.mapped(PORT)).isEqualTo(at("203.0.113.2", 60001));
            assertThat(mapper.current()).isEqualTo(new PortMapping("NAT-PMP", at("203.0.113.2", 60001)));
            assertThat(mapper.mapped(41642)).as("another local port has no mapping yet").isNull();
            mapper.close();
        }
    }

    @Test
    void aPcpOnlyGatewayMapsWithPcpAndAnAnswerWithoutOurNonceIsNotOurs() throws Exception {
        try (ScriptedGateway gw = new ScriptedGateway("127.35.51.4")) {
            gw.natPmp = false;
            gw.wrongNonceFirst = true;
            gw.mappedPort = 60004;
            PortMapper mapper = mapper(() -> gw.address, PortMapper.EPOCH_CHECK, () -> { });
            awaitMapped(mapper, at("203.0.113.2", 60004));
            assertThat(mapper.current().protocol()).isEqualTo("PCP");
        }
    }

    @Test
    void aGatewayWithBothIsAskedWithNatPmpOnly() throws Exception {
        // NAT-PMP first, as tailscaled: a gateway with both never gets the PCP request.
        try (ScriptedGateway gw = new ScriptedGateway("127.35.51.5")) {
            PortMapper mapper = mapper(() -> gw.address, PortMapper.EPOCH_CHECK, () -> { });
            assertThat(mapper.request(gw.address, PORT, null, 0).protocol()).isEqualTo(PortMapProtocol.NAT_PMP);
            assertThat(gw.mapRequests.get()).isEqualTo(1);
        }
    }

    @Test
    void aTcpMappingAnswerToOurUdpRequestIsRefused() throws Exception {
        try (ScriptedGateway gw = new ScriptedGateway("127.35.51.6")) {
            gw.pcp = false;
            gw.tcpAnswer = true;
            assertThat(new NatPmpClient(SocketBinder.DEFAULT_ROUTE).map(gw.address, PORT)).isNull();
            gw.tcpAnswer = false;
            assertThat(new NatPmpClient(SocketBinder.DEFAULT_ROUTE).map(gw.address, PORT).external())
                    .isEqualTo(at("203.0.113.2", 60001));
        }
    }

    @Test
    void aLifetimeOfASecondIsNotAskedAgainBeforeTheFloor() throws Exception {
        try (ScriptedGateway gw = new ScriptedGateway("127.35.51.7")) {
            gw.lifetime = 1;
            Semaphore changed = new Semaphore(0);
            PortMapper mapper = mapper(() -> gw.address, PortMapper.EPOCH_CHECK, changed::release);
            mapper.mapped(PORT);
            assertThat(changed.tryAcquire(10, TimeUnit.SECONDS)).isTrue();
            // Past the lifetime and its half: without the floor each call would ask again.
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1500);
            while (System.nanoTime() < until) {
                mapper.mapped(PORT);
                Thread.sleep(10);
            }
            assertThat(gw.mapRequests.get()).isEqualTo(1);
            assertThat(mapper.shortLifetimeReplies()).isEqualTo(1);
            assertThat(mapper.mapped(PORT)).as("expired, and not renewed before the floor").isNull();
        }
    }

    @Test
    void aGatewayWhoseEpochWentBackIsAskedForTheMappingAgainAtOnce() throws Exception {
        for (boolean pcp : new boolean[] {false, true}) {
            try (ScriptedGateway gw = new ScriptedGateway(pcp ? "127.35.51.9" : "127.35.51.8")) {
                gw.natPmp = !pcp;
                Semaphore changed = new Semaphore(0);
                PortMapper mapper = mapper(() -> gw.address, Duration.ofMillis(100), changed::release);
                awaitMapped(mapper, at("203.0.113.2", 60001));
                // The epoch advances with our clock: checked, nothing to do.
                Thread.sleep(300);
                gw.epoch += 1;
                long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
                while (System.nanoTime() < until) {
                    mapper.mapped(PORT);
                    Thread.sleep(20);
                }
                assertThat(gw.epochRequests.get()).as("epoch checks").isGreaterThan(pcp ? 0 : 1);
                assertThat(gw.mapRequests.get()).as("mapping requests while the epoch is right").isEqualTo(1);
                // It restarts: epoch back to 3, and our port gets another mapping.
                gw.epoch = 3;
                gw.mappedPort = 60009;
                awaitMapped(mapper, at("203.0.113.2", 60009));
                assertThat(mapper.current().protocol()).isEqualTo(pcp ? "PCP" : "NAT-PMP");
                assertThat(changed.availablePermits()).isEqualTo(2);
            }
        }
    }

    @Test
    void aNetworkChangeDropsTheOldGatewaysMappingAndAsksTheNewGatewayAtOnce() throws Exception {
        try (ScriptedGateway first = new ScriptedGateway("127.35.53.1");
             ScriptedGateway next = new ScriptedGateway("127.35.53.2")) {
            next.external = 0xc6336409; // 198.51.100.9
            next.mappedPort = 60002;
            AtomicReference<Inet4Address> now = new AtomicReference<>(first.address);
            PortMapper mapper = mapper(now::get, PortMapper.EPOCH_CHECK, () -> { });
            awaitMapped(mapper, at("203.0.113.2", 60001));

            now.set(next.address);
            mapper.networkChanged();
            assertThat(mapper.mapped(PORT)).as("the old gateway's mapping is gone at once").isNull();
            // A call while the first question is still finishing starts none, and the next one
            // does (no pause earned by the old gateway).
            awaitMapped(mapper, at("198.51.100.9", 60002));
            mapper.close();
        }
    }

    @Test
    void aRefusalOrSilenceGivesNoEndpoint() throws Exception {
        try (ScriptedGateway gw = new ScriptedGateway("127.35.51.3")) {
            gw.external = 0; // NAT-PMP's answer names 0.0.0.0 and PCP is off: nothing
            gw.pcp = false;
            assertThat(mapper(() -> gw.address, PortMapper.EPOCH_CHECK, () -> { }).request(gw.address, PORT, null, 0))
                    .isNull();
        }
        // Nobody on the gateway's port: the kernel says so, and that is the end of it.
        Inet4Address nobody = (Inet4Address) InetAddress.ofLiteral("127.35.51.2");
        long start = System.nanoTime();
        assertThat(mapper(() -> nobody, PortMapper.EPOCH_CHECK, () -> { }).request(nobody, PORT, null, 0)).isNull();
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(1000L);
    }

    @Test
    void anExternalAddressNoPeerCouldUseGivesNoEndpoint() throws Exception {
        // 127.0.0.1 and 0.0.0.0 would point a peer at itself, 169.254.1.1 at its own link,
        // 224.0.0.1 and 255.255.255.255 at everyone there, 100.64.0.1 and 100.127.255.254 into
        // its own tailnet: none goes to control, from either protocol.
        int[] externals = {0x7f000001, 0, 0xa9fe0101, 0xe0000001, 0xffffffff, 0x64400001, 0x647ffffe};
        for (int i = 0; i < externals.length; i++) {
            try (ScriptedGateway gw = new ScriptedGateway("127.35.52." + (i + 1))) {
                gw.external = externals[i];
                assertThat(new NatPmpClient(SocketBinder.DEFAULT_ROUTE).map(gw.address, PORT)).as(Integer.toHexString(externals[i])).isNull();
                assertThat(new PcpClient(SocketBinder.DEFAULT_ROUTE).map(gw.address, PORT)).as(Integer.toHexString(externals[i])).isNull();
            }
        }
    }

    @Test
    void privateAddressesAndThoseBesideTheSharedRangeAreUsable() {
        // Behind a second NAT the outer network's peers can use a private one, as tailscaled keeps it.
        for (String a : new String[] {"10.0.0.1", "192.168.1.1", "172.16.0.1", "100.63.255.255", "100.128.0.0"}) {
            assertThat(ExternalAddresses.usable((Inet4Address) InetAddress.ofLiteral(a))).as(a).isTrue();
        }
    }

    @Test
    void aSuccessWithLifetimeZeroIsNoGrant() throws Exception {
        // Such an answer is what deleting a mapping gets: the mapping ends now.
        try (ScriptedGateway gw = new ScriptedGateway("127.35.55.1")) {
            gw.lifetime = 0;
            assertThat(new PcpClient(SocketBinder.DEFAULT_ROUTE).map(gw.address, PORT)).isNull();
            assertThat(new NatPmpClient(SocketBinder.DEFAULT_ROUTE).map(gw.address, PORT)).isNull();
            gw.lifetime = 7200;
            assertThat(new PcpClient(SocketBinder.DEFAULT_ROUTE).map(gw.address, PORT)).isNotNull();
            assertThat(new NatPmpClient(SocketBinder.DEFAULT_ROUTE).map(gw.address, PORT)).isNotNull();
        }
    }

    @Test
    void aSilentGatewayGetsOnePcpRequestAndThreeNatPmpOnes() throws Exception {
        try (ScriptedGateway gw = new ScriptedGateway("127.35.55.2")) {
            gw.natPmp = false;
            gw.pcp = false;
            long start = System.nanoTime();
            assertThat(new PcpClient(SocketBinder.DEFAULT_ROUTE).map(gw.address, PORT)).isNull();
            long pcpMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            // One request and tailscaled's 250 ms, not RFC 6887's 3 s and more: the gateway is one hop away.
            assertThat(gw.received.get()).isEqualTo(1);
            assertThat(pcpMillis).isBetween(200L, 1000L);
            assertThat(new NatPmpClient(SocketBinder.DEFAULT_ROUTE).map(gw.address, PORT)).isNull();
            assertThat(gw.received.get()).as("RFC 6886's 250, 500, 1000 ms").isEqualTo(1 + 3);
        }
    }

    @Test
    void withoutAGatewayNothingIsAsked() throws Exception {
        Semaphore changed = new Semaphore(0);
        PortMapper mapper = mapper(() -> null, PortMapper.EPOCH_CHECK, changed::release);
        assertThat(mapper.mapped(PORT)).isNull();
        assertThat(changed.tryAcquire(500, TimeUnit.MILLISECONDS)).isFalse();
    }

    @Test
    void everyRequestToTheGatewayLeavesFromASocketTheNodesBinderReadied() throws Exception {
        try (ScriptedGateway gw = new ScriptedGateway("127.35.51.10")) {
            List<String> bound = new CopyOnWriteArrayList<>();
            SocketBinder binder = new SocketBinder() {
                @Override
                public void bindTcp(Socket unconnected, InetAddress to) {
                    bound.add("tcp " + to.getHostAddress());
                }

                @Override
                public void bindUdp(int localPort, InetAddress to) {
                    bound.add("udp " + to.getHostAddress());
                }
            };
            assertThat(new NatPmpClient(binder).map(gw.address, PORT)).isNotNull();
            gw.natPmp = false;
            assertThat(new PcpClient(binder).map(gw.address, PORT)).isNotNull();
            assertThat(bound).hasSize(2).containsOnly("udp 127.35.51.10");
        }
    }
}
