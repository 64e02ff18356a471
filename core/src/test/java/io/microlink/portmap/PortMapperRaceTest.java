package io.microlink.portmap;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The mapper while a request is in flight: a close or a network change meanwhile, and a
 * protocol that throws. {@link HeldProtocol} holds each request until the test lets it answer.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PortMapperRaceTest {
    private static final int PORT = 41641;
    private static final Inet4Address OLD = (Inet4Address) InetAddress.ofLiteral("192.0.2.1");
    private static final Inet4Address NEW = (Inet4Address) InetAddress.ofLiteral("192.0.2.2");

    @Test
    void aGrantArrivingAfterCloseIsDeletedNotKeptAndNobodyIsTold() throws Exception {
        HeldProtocol p = new HeldProtocol(PortMapProtocol.NAT_PMP);
        AtomicInteger changed = new AtomicInteger();
        PortMapper mapper = new PortMapper(() -> OLD, List.of(p), PortMapper.EPOCH_CHECK, changed::incrementAndGet);
        mapper.mapped(PORT);
        assertThat(p.entered.await(10, TimeUnit.SECONDS)).isTrue();
        mapper.close();
        p.release.countDown();
        assertThat(p.deleted.poll(10, TimeUnit.SECONDS)).as("the late grant, deleted at its gateway")
                .extracting(Grant::external).isEqualTo(HeldProtocol.EXTERNAL);
        assertThat(changed.get()).isZero();
        assertThat(mapper.current()).isNull();
        assertThat(mapper.mapped(PORT)).isNull();
    }

    @Test
    void aGrantFromTheNetworkBeforeIsDeletedAndTheNewGatewayAskedNext() throws Exception {
        HeldProtocol p = new HeldProtocol(PortMapProtocol.PCP);
        AtomicReference<Inet4Address> gateway = new AtomicReference<>(OLD);
        AtomicInteger changed = new AtomicInteger();
        PortMapper mapper = new PortMapper(gateway::get, List.of(p), PortMapper.EPOCH_CHECK, changed::incrementAndGet);
        mapper.mapped(PORT);
        assertThat(p.entered.await(10, TimeUnit.SECONDS)).isTrue();
        gateway.set(NEW);
        mapper.networkChanged();
        p.release.countDown();
        assertThat(p.deleted.poll(10, TimeUnit.SECONDS)).as("the old gateway's grant, deleted there")
                .extracting(Grant::gateway).isEqualTo(OLD);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (mapper.mapped(PORT) == null && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(mapper.current().external()).isEqualTo(HeldProtocol.EXTERNAL);
        assertThat(p.asked).containsExactly(OLD, NEW);
        assertThat(changed.get()).as("told once: the new gateway's mapping").isEqualTo(1);
        mapper.close();
    }

    @Test
    void aStaleGrantIsDeletedBeforeTheNextQuestionCanMapThePortAgain() throws Exception {
        // The network changed but the gateway is the same: its new mapping of our port must not
        // be taken away by the late deletion of the stale one.
        HeldProtocol p = new HeldProtocol(PortMapProtocol.NAT_PMP);
        p.deleteMillis = 300;
        PortMapper mapper = new PortMapper(() -> OLD, List.of(p), PortMapper.EPOCH_CHECK, () -> { });
        mapper.mapped(PORT);
        assertThat(p.entered.await(10, TimeUnit.SECONDS)).isTrue();
        mapper.networkChanged();
        p.release.countDown();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (mapper.mapped(PORT) == null && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(mapper.current()).isNotNull();
        assertThat(p.calls).containsExactly("map", "delete", "map");
        mapper.close();
    }

    @Test
    void aNetworkChangeStopsTheQuestionBeforeTheNextProtocolAsksTheOldGateway() throws Exception {
        HeldProtocol first = new HeldProtocol(PortMapProtocol.NAT_PMP);
        first.grants = false;
        HeldProtocol second = new HeldProtocol(PortMapProtocol.PCP);
        second.release.countDown();
        PortMapper mapper = new PortMapper(() -> OLD, List.of(first, second), PortMapper.EPOCH_CHECK, () -> { });
        AtomicReference<Grant> answer = new AtomicReference<>();
        Thread asking = Thread.startVirtualThread(() -> {
            try {
                answer.set(mapper.request(OLD, PORT, null, 0)); // a new mapper is on its first network, 0
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
        assertThat(first.entered.await(10, TimeUnit.SECONDS)).isTrue();
        mapper.networkChanged();
        first.release.countDown();
        asking.join();
        assertThat(answer.get()).isNull();
        assertThat(second.asked).isEmpty();
    }

    @Test
    void aProtocolThatThrowsIsCountedAndTheNextOneAsked() throws Exception {
        HeldProtocol broken = new HeldProtocol(PortMapProtocol.NAT_PMP);
        broken.bug = new IllegalStateException("a bug in a codec");
        broken.release.countDown();
        HeldProtocol next = new HeldProtocol(PortMapProtocol.UPNP);
        next.release.countDown();
        PortMapper mapper = new PortMapper(() -> OLD, List.of(broken, next), PortMapper.EPOCH_CHECK, () -> { });
        assertThat(mapper.request(OLD, PORT, null, 0).protocol()).isEqualTo(PortMapProtocol.UPNP);
        assertThat(mapper.failedProtocols()).isEqualTo(1);
    }
}
