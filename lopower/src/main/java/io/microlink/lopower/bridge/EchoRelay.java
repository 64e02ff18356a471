package io.microlink.lopower.bridge;

import io.microlink.netstack.socket.Netstack;
import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.Semaphore;

/**
 * A device's ping of a tailnet address: the bridge's node pings that address itself, and the
 * device's echo request is answered (from that address) only when the real reply came, so a
 * device learns whether the peer is alive. At most {@value #IN_FLIGHT} pings wait at once,
 * each for at most {@link #TIMEOUT}; more are dropped (ping retries).
 */
final class EchoRelay implements Netstack.EchoInterceptor {
    static final int IN_FLIGHT = 128;
    static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final Uplink uplink;
    private final BridgeCounters counters;
    private final Semaphore slots = new Semaphore(IN_FLIGHT);

    EchoRelay(Uplink uplink, BridgeCounters counters) {
        this.uplink = uplink;
        this.counters = counters;
    }

    @Override
    public void request(InetAddress destination, Runnable answer) {
        if (!slots.tryAcquire()) {
            counters.add(BridgeCounters.Event.REFUSED_PINGS_IN_FLIGHT);
            return;
        }
        Thread.ofVirtual().name("lopower-ping").start(() -> {
            try {
                uplink.icmpPing(destination, TIMEOUT);
                answer.run();
                counters.add(BridgeCounters.Event.PINGS_ANSWERED);
            } catch (Exception e) {
                // No reply (or no way to send): the device's ping times out, as it should.
            } finally {
                slots.release();
            }
        });
    }
}
