package io.microlink.netstack.relay;

import io.microlink.netstack.EventCounters;
import io.microlink.netstack.socket.Netstack;
import java.net.InetAddress;
import java.util.concurrent.Semaphore;

/**
 * A ping of a foreign address: the {@link RelayTarget} pings that address itself, and the echo
 * request is answered (from that address) only when the real host answered, so the pinger learns
 * whether the host is alive. At most {@link RelayLimits#pingsInFlight} wait at once; more are
 * dropped (ping retries). A destination the target knows no host at is answered at once with
 * host unreachable ({@link RelayTarget#hasHost}).
 */
final class EchoRelay implements Netstack.EchoInterceptor {
    private final RelayTarget target;
    private final RelayLimits limits;
    private final EventCounters<RelayEvent> counters;
    private final Semaphore slots;

    EchoRelay(RelayTarget target, RelayLimits limits, EventCounters<RelayEvent> counters) {
        this.target = target;
        this.limits = limits;
        this.counters = counters;
        this.slots = new Semaphore(limits.pingsInFlight());
    }

    @Override
    public void request(InetAddress destination, Runnable answer, Runnable unreachable) {
        if (!target.hasHost(destination)) {
            unreachable.run();
            return;
        }
        if (!slots.tryAcquire()) {
            counters.add(RelayEvent.REFUSED_PINGS_IN_FLIGHT);
            return;
        }
        Thread.ofVirtual().name("microlink-relay-ping").start(() -> {
            try {
                if (target.ping(destination, limits.pingTimeout())) {
                    answer.run();
                    counters.add(RelayEvent.PINGS_ANSWERED);
                }
            } finally {
                slots.release();
            }
        });
    }
}
