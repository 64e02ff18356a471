package io.microlink;

import io.microlink.control.wire.Hostinfo;
import io.microlink.magicsock.Magicsock;
import java.util.List;

/**
 * What control has heard of this node's network (home DERP region, endpoints) and when to tell
 * it again, sans I/O. A map stream's request carries what we know when it is sent; what
 * magicsock learns later goes to control in a lite update once control has answered the stream,
 * as tailscaled's control client does (its update routine waits for the map poll, then sends
 * what came meanwhile). The first netcheck often finishes while the first map message is still
 * being applied, before the stream counts as answered: that report must be sent when the answer
 * comes, not dropped. Dropped, peers see the node with no home region and no endpoints until
 * its network changes again, and cannot reach it until it speaks to them first.
 *
 * <pre>{@code
 * MapRequest stream = request(reports.streamRequested());     // as the stream opens
 * if (reports.streamAnswered()) sendLiteUpdate(reports.latest()); // at its first message
 * if (reports.learned(info, eps)) sendLiteUpdate(reports.latest()); // magicsock's reports
 * reports.updateFailed();                                      // a lite update did not go through
 * }</pre>
 */
final class NetworkReports {
    /** One report: the NetInfo of Hostinfo and the endpoints of a map request. */
    record Report(Hostinfo.NetInfo netInfo, List<Magicsock.OwnEndpoint> endpoints) {
        static final Report NONE = new Report(null, List.of());

        Report {
            endpoints = List.copyOf(endpoints);
        }
    }

    private Report latest = Report.NONE;
    /** What control has been sent last; null when that is unknown (a lite update failed). */
    private Report told;
    private boolean answered;

    /** The latest report, for every request that carries one. */
    synchronized Report latest() {
        return latest;
    }

    /** A map stream is being requested with the report returned: control will have that one. */
    synchronized Report streamRequested() {
        answered = false;
        told = latest;
        return latest;
    }

    /** Control answered the stream: whether a lite update is due (something came since the stream's request). */
    synchronized boolean streamAnswered() {
        answered = true;
        return due();
    }

    /** The stream ended: lite updates wait for the next one's answer. */
    synchronized void streamClosed() {
        answered = false;
    }

    /** Magicsock learned a new home region or endpoints: whether a lite update is due now. */
    synchronized boolean learned(Hostinfo.NetInfo netInfo, List<Magicsock.OwnEndpoint> endpoints) {
        latest = new Report(netInfo, endpoints);
        return answered && due();
    }

    /** A lite update failed: the next report goes out even if it says the same as the last. */
    synchronized void updateFailed() {
        told = null;
    }

    private boolean due() {
        if (latest.equals(told)) {
            return false;
        }
        told = latest;
        return true;
    }
}
