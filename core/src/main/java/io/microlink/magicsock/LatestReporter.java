package io.microlink.magicsock;

import io.microlink.control.wire.Hostinfo;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Passes reports to control on a virtual thread of their own, so that the maintenance thread
 * never waits for control: after a network change the lite update may go out on a control
 * connection that the change just killed, and wait there until it times out, while the relays,
 * the netcheck and the peers' paths need the maintenance thread now. Only the latest report
 * matters (each says everything), so those that come while one is being sent replace each other.
 */
final class LatestReporter implements Magicsock.Reporter {
    private static final System.Logger LOG = System.getLogger("io.microlink.magicsock");

    private record Report(Hostinfo.NetInfo netInfo, List<Magicsock.OwnEndpoint> endpoints) {}

    private final Magicsock.Reporter control;
    private final AtomicReference<Report> latest = new AtomicReference<>();
    private final AtomicBoolean sending = new AtomicBoolean();

    LatestReporter(Magicsock.Reporter control) {
        this.control = control;
    }

    @Override
    public void report(Hostinfo.NetInfo netInfo, List<Magicsock.OwnEndpoint> endpoints) {
        latest.set(new Report(netInfo, endpoints));
        if (sending.compareAndSet(false, true)) {
            Thread.ofVirtual().name("microlink-report").start(this::drain);
        }
    }

    private void drain() {
        while (true) {
            Report r = latest.getAndSet(null);
            if (r == null) {
                sending.set(false);
                // A report that came between the empty read and the flag: take it, unless a new sender has.
                if (latest.get() == null || !sending.compareAndSet(false, true)) {
                    return;
                }
                continue;
            }
            try {
                control.report(r.netInfo(), r.endpoints());
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "telling control our endpoints failed; the next change tells it again", e);
            }
        }
    }
}
