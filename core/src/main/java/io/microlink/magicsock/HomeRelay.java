package io.microlink.magicsock;

import io.microlink.control.Backoff;
import io.microlink.control.wire.DerpMap;
import io.microlink.control.wire.Hostinfo;
import io.microlink.netcheck.HomeDerpSelector;
import io.microlink.netcheck.NetcheckReport;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.random.RandomGenerator;

/**
 * The home relay's upkeep, sans I/O: when to run a netcheck (every interval, at once when
 * kicked, and with backoff while the home relay is unreachable, since peers may then not
 * reach us at all), which region to call home after one, and what to tell control. The
 * maintenance thread in {@link Magicsock} does the measuring, connecting and waiting.
 *
 * <pre>{@code
 * HomeRelay home = new HomeRelay(interval, random, reporter);
 * if (home.startRound(now)) {
 *     int region = home.chooseHome(map, report, currentHome);   // connect to it, then:
 *     home.measured(report, region, localEndpoints);           // tells control if that changed
 *     home.roundDone(now, homeConnected);
 * }
 * sleep(home.nanosUntilRound(now));                            // or until kicked
 * }</pre>
 */
final class HomeRelay {
    static final Duration RETRY_MIN = Duration.ofMillis(500);
    static final Duration RETRY_MAX = Duration.ofSeconds(30);

    private final Duration interval;
    private final Backoff retry;
    private final Magicsock.Reporter reporter;
    private final HomeDerpSelector selector = new HomeDerpSelector();
    /** Set at first so that the first round runs at once. */
    private final AtomicBoolean kicked = new AtomicBoolean(true);
    private long nextRoundNanos;
    private Hostinfo.NetInfo lastNetInfo;
    private volatile List<Magicsock.OwnEndpoint> lastEndpoints = List.of();

    /** @param reporter told what control should know, only when that changed */
    HomeRelay(Duration interval, RandomGenerator random, Magicsock.Reporter reporter) {
        this.interval = interval;
        this.retry = new Backoff(RETRY_MIN, RETRY_MAX, random);
        this.reporter = reporter;
    }

    /**
     * The relay to join before the first netcheck, which takes a second or two: the one this
     * node called home last time (the netmap's, or the peer cache's after a restart), so peers
     * can answer through it meanwhile; 0 if the DERP map no longer has it.
     */
    static int rejoin(DerpMap map, int lastHome) {
        return map != null && map.regions() != null && map.regions().containsKey(lastHome) ? lastHome : 0;
    }

    /** Whether the map has any region to measure. */
    static boolean measurable(DerpMap map) {
        return map != null && map.regions() != null && !map.regions().isEmpty();
    }

    /** Measure sooner than the interval says, e.g. because the DERP map changed or the home relay was lost. */
    void kick() {
        kicked.set(true);
    }

    /** Whether a round is due now; if so it has begun, and a kick from now on asks for another. */
    boolean startRound(long nowNanos) {
        return kicked.getAndSet(false) || nowNanos - nextRoundNanos >= 0;
    }

    /** How long to wait for the next round (a kick may end the wait earlier). */
    long nanosUntilRound(long nowNanos) {
        return kicked.get() ? 0 : Math.max(0, nextRoundNanos - nowNanos);
    }

    /**
     * The home region after a netcheck: the selector's choice (which sticks to the current home
     * unless another is clearly faster); if nothing answered, the current home, else the lowest
     * region ID, so that there always is one.
     */
    int chooseHome(DerpMap map, NetcheckReport report, int currentHome) {
        int home = selector.update(report);
        if (home != 0) {
            return home;
        }
        return currentHome != 0 ? currentHome : map.regions().keySet().stream().min(Integer::compare).orElse(0);
    }

    /**
     * What a netcheck found, with the home region it led to: our endpoints (the gateway's port
     * mapping, STUN's, then the local interfaces', each once) and NetInfo go to control if the
     * home, UDP or the endpoints changed; latencies jitter every round and alone are not worth an
     * update.
     *
     * @param portmapped the endpoint the gateway maps to our port (NAT-PMP), or null
     */
    void measured(NetcheckReport report, int home, InetSocketAddress portmapped, List<InetSocketAddress> local) {
        List<Magicsock.OwnEndpoint> endpoints = new ArrayList<>();
        if (portmapped != null) {
            endpoints.add(new Magicsock.OwnEndpoint(portmapped, Magicsock.ENDPOINT_PORTMAPPED));
        }
        for (InetSocketAddress g : report.globalEndpoints()) {
            if (!g.equals(portmapped)) {
                endpoints.add(new Magicsock.OwnEndpoint(g, Magicsock.ENDPOINT_STUN));
            }
        }
        for (InetSocketAddress l : local) {
            if (endpoints.stream().noneMatch(e -> e.address().equals(l))) {
                endpoints.add(new Magicsock.OwnEndpoint(l, Magicsock.ENDPOINT_LOCAL));
            }
        }
        Hostinfo.NetInfo info = new Hostinfo.NetInfo(home == 0 ? null : home, report.derpLatencyForControl(),
                report.udpWorks(), false);
        boolean changed = lastNetInfo == null || !Objects.equals(lastNetInfo.preferredDerp(), info.preferredDerp())
                || !Objects.equals(lastNetInfo.workingUdp(), info.workingUdp()) || !lastEndpoints.equals(endpoints);
        if (changed) {
            lastNetInfo = info;
            lastEndpoints = List.copyOf(endpoints);
            reporter.report(info, lastEndpoints);
        }
    }

    /**
     * The way out moved (a rebind reset the paths): until the next netcheck finds our public
     * endpoints, the ones we know are the local interfaces' alone. A call-me-maybe naming only
     * those makes a peer stop sending to our old public endpoint at once (tailscale's
     * {@code handleCallMeMaybe} forgets the endpoints a call no longer lists, and its path with
     * them), instead of after the netcheck.
     */
    void wayOutMoved(List<InetSocketAddress> local) {
        lastEndpoints = local.stream().map(l -> new Magicsock.OwnEndpoint(l, Magicsock.ENDPOINT_LOCAL)).toList();
    }

    /** The endpoints last reported (or, since the way out moved, the local ones): what call-me-maybe offers peers. */
    List<InetSocketAddress> endpoints() {
        return lastEndpoints.stream().map(Magicsock.OwnEndpoint::address).toList();
    }

    /** Schedules the next round: after the interval, or sooner with backoff while the home relay is down. */
    void roundDone(long nowNanos, boolean homeConnected) {
        Duration wait = interval;
        if (homeConnected) {
            retry.reset();
        } else {
            Duration backoff = retry.next();
            wait = backoff.compareTo(interval) < 0 ? backoff : interval;
        }
        nextRoundNanos = nowNanos + wait.toNanos();
    }
}
