package io.microlink;

import io.microlink.control.HeadPing;
import io.microlink.control.wire.PingRequest;
import io.microlink.outbound.Dialer;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;

/**
 * Answers control's liveness pings ({@link PingRequest} with no types: an HTTP HEAD to control)
 * off the map thread, one at a time: a ping arriving while one is in flight is dropped, so
 * control cannot pile up threads. headscale moves a subnet's primary route off a router that
 * does not answer these within 5 s. Pings of other types (disco, TSMP, c2n) are not answered.
 */
final class ControlPings {
    private static final System.Logger LOG = System.getLogger("io.microlink.control");
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    /** Control may ping often: one warning a minute at most, the rest at debug level. */
    private static final long WARN_EVERY_NANOS = Duration.ofMinutes(1).toNanos();

    private final URI control;
    private final SSLContext tls;
    private final Dialer dialer;
    private final AtomicBoolean inFlight = new AtomicBoolean();
    private long lastWarning = System.nanoTime() - WARN_EVERY_NANOS; // only the ping thread, one at a time

    ControlPings(URI control, SSLContext tls, Dialer dialer) {
        this.control = control;
        this.tls = tls;
        this.dialer = dialer;
    }

    /** Starts answering {@code request} if it is a HEAD ping and none is in flight; null is ignored. */
    void answer(PingRequest request) {
        if (request == null || request.url() == null || request.urlIsNoise()
                || (request.types() != null && !request.types().isEmpty())) {
            if (request != null) {
                LOG.log(Level.DEBUG, "control ping of a kind this node does not answer; ignored");
            }
            return;
        }
        if (!inFlight.compareAndSet(false, true)) {
            return;
        }
        Thread.ofVirtual().name("microlink-control-ping").start(() -> {
            try {
                HeadPing.send(control, request.url(), TIMEOUT, tls, dialer);
            } catch (IOException | IllegalArgumentException e) {
                long now = System.nanoTime();
                boolean warn = now - lastWarning >= WARN_EVERY_NANOS;
                if (warn) {
                    lastWarning = now;
                }
                LOG.log(warn ? Level.WARNING : Level.DEBUG, "control ping not answered: " + e.getMessage());
            } finally {
                inFlight.set(false);
            }
        });
    }
}
