package io.microlink.magicsock;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How one peer is reached, sans I/O: its candidate UDP endpoints, the best one a DISCO pong
 * has proven, and when to probe. Data goes direct only while a pong vouches for the path
 * (trust lasts {@link #TRUST_NANOS}); otherwise it goes through DERP, which always works.
 * A peer whose advertised endpoints are unreachable (behind CGNAT, say) therefore keeps a
 * two-way tunnel over the relay instead of a one-way one. The timings are tailscale's
 * ({@code wgengine/magicsock/endpoint.go}), so both ends probe at the same pace.
 *
 * <pre>{@code
 * PeerPath path = new PeerPath(true);
 * path.setAdvertised(List.of(endpoint));
 * PeerPath.Route r = path.route(now);          // where this packet goes; marks the peer active
 * PeerPath.Probes p = path.probes(now, budget); // pings (and maybe a call-me-maybe) due now
 * path.onPong(endpoint, latencyNanos, now);    // a pong proved a path
 * }</pre>
 */
final class PeerPath {
    /** While traffic flowed this recently, the best path is kept alive by heartbeats. */
    static final long ACTIVE_NANOS = 45_000_000_000L;
    /** A pong vouches for its path this long. */
    static final long TRUST_NANOS = 6_500_000_000L;
    static final long HEARTBEAT_NANOS = 3_000_000_000L;
    /** Even with a trusted path, look for a better one this often. */
    static final long REDISCOVERY_NANOS = 60_000_000_000L;
    /** No endpoint is pinged (nor call-me-maybe sent) more often than this during discovery. */
    static final long PING_SPACING_NANOS = 5_000_000_000L;
    /** Learned endpoints (from pings and call-me-maybe) kept at most; advertised ones always stay. */
    static final int MAX_LEARNED = 16;
    /**
     * Discovery pings to one peer's endpoints per {@link #PING_SPACING_NANOS}, at most. A peer
     * decides what we ping (its advertised endpoints, its call-me-maybes, which make their
     * endpoints due at once), so without a bound one peer could have this node ping any
     * addresses it likes as fast as it sends call-me-maybes. Above what a peer with a full set
     * of learned endpoints and a few dozen advertised ones needs; the rest waits a window.
     */
    static final int MAX_PINGS_PER_WINDOW = 64;
    /**
     * A peer's data through DERP ends our trust in its direct path at most this often. A
     * tailscale peer whose own proof lapsed sends each packet both ways until it proves a path
     * again; each doubt costs a round of pings and a resend of what is in flight, so such a peer
     * gets at most one a second. A peer that moved changes networks in steps (a new link, then the
     * old one gone), each a rebind on its side, at least a second apart (tailscale's netmon
     * handles one change a second; 1.46 s in RebindInteropTest), and the first step's doubt may
     * be answered by the old path still up: a doubt must be possible again for the second.
     */
    static final long DOUBT_SPACING_NANOS = 1_000_000_000L;

    /** Where a packet goes: {@code direct} if not null, and the relay too when {@code viaDerp}. */
    record Route(InetSocketAddress direct, boolean viaDerp) {}

    /** The DISCO pings due now, and whether to ask the peer (over DERP) to ping us back. */
    record Probes(List<InetSocketAddress> pings, boolean callMeMaybe) {
        static final Probes NONE = new Probes(List.of(), false);
    }

    private static final class Candidate {
        final boolean advertised;
        long lastPingNanos;
        boolean everPinged;
        /** The peer's call-me-maybe named it: ping it at once, even beside a trusted path. */
        boolean called;

        Candidate(boolean advertised) {
            this.advertised = advertised;
        }
    }

    private static final Comparator<Map.Entry<InetSocketAddress, Candidate>> LEAST_RECENTLY_PINGED =
            Comparator.<Map.Entry<InetSocketAddress, Candidate>, Boolean>comparing(e -> e.getValue().everPinged)
                    .thenComparing((x, y) -> Long.compare(x.getValue().lastPingNanos - y.getValue().lastPingNanos, 0));

    private final Map<InetSocketAddress, Candidate> candidates = new LinkedHashMap<>();
    private boolean discoveryAllowed;
    private InetSocketAddress best;
    private long bestLatencyNanos;
    private long trustedUntilNanos;
    private long lastActiveNanos;
    private boolean everActive;
    private long lastFullDiscoveryNanos;
    private boolean everDiscovered;
    private long lastCallMeMaybeNanos;
    private boolean everCalled;
    private long windowStartNanos;
    private int pingsInWindow;
    private boolean everWindowed;
    /** Whether the peer's latest data came over a direct path; written per packet, so volatile, not locked. */
    private volatile boolean dataCameDirect;
    private long lastDoubtNanos;
    private boolean everDoubted;

    /** @param discoveryAllowed false for peers without a disco key, or outside the DISCO allowlist */
    PeerPath(boolean discoveryAllowed) {
        this.discoveryAllowed = discoveryAllowed;
    }

    synchronized void setDiscoveryAllowed(boolean allowed) {
        discoveryAllowed = allowed;
        if (!allowed) {
            best = null;
        }
    }

    synchronized boolean discoveryAllowed() {
        return discoveryAllowed;
    }

    /** The endpoints the netmap advertises; learned ones stay, advertised ones no longer listed go. */
    synchronized void setAdvertised(List<InetSocketAddress> endpoints) {
        Set<InetSocketAddress> wanted = Set.copyOf(endpoints);
        candidates.entrySet().removeIf(e -> e.getValue().advertised && !wanted.contains(e.getKey()));
        for (InetSocketAddress a : endpoints) {
            Candidate old = candidates.get(a);
            if (old == null || !old.advertised) {
                Candidate c = new Candidate(true);
                if (old != null) {
                    c.lastPingNanos = old.lastPingNanos;
                    c.everPinged = old.everPinged;
                }
                candidates.put(a, c);
            }
        }
        if (best != null && !candidates.containsKey(best)) {
            best = null;
        }
    }

    /**
     * An endpoint learned from a DISCO ping's source or a call-me-maybe.
     *
     * @param pingNow true for call-me-maybe: the peer is pinging us right now, so answer at once
     *                (that is the hole punch), whatever the spacing says
     */
    synchronized void learn(InetSocketAddress endpoint, boolean pingNow) {
        Candidate c = candidates.get(endpoint);
        if (c == null) {
            c = new Candidate(false);
            candidates.put(endpoint, c);
            evictLearned();
        }
        if (pingNow) {
            c.everPinged = false;
            c.called = true;
        }
    }

    private void evictLearned() {
        int learned = (int) candidates.values().stream().filter(c -> !c.advertised).count();
        Iterator<Map.Entry<InetSocketAddress, Candidate>> it = candidates.entrySet().iterator();
        while (learned > MAX_LEARNED && it.hasNext()) {
            Map.Entry<InetSocketAddress, Candidate> e = it.next();
            if (!e.getValue().advertised && !e.getKey().equals(best)) {
                it.remove();
                learned--;
            }
        }
    }

    synchronized boolean knows(InetSocketAddress endpoint) {
        return candidates.containsKey(endpoint);
    }

    synchronized List<InetSocketAddress> candidates() {
        return List.copyOf(candidates.keySet());
    }

    /** Where a data packet goes now; sending marks the peer active, which keeps probing going. */
    synchronized Route route(long nowNanos) {
        markActive(nowNanos);
        if (best != null && nowNanos - trustedUntilNanos < 0) {
            return new Route(best, false);
        }
        // The stale path may still work; the relay makes sure the packet arrives meanwhile.
        return new Route(best, true);
    }

    /** The direct path a pong vouches for right now, or null. */
    synchronized InetSocketAddress trustedDirect(long nowNanos) {
        return best != null && nowNanos - trustedUntilNanos < 0 ? best : null;
    }

    /** The latest pong's round trip on the direct path a pong vouches for right now, or null. */
    synchronized Duration trustedLatency(long nowNanos) {
        return trustedDirect(nowNanos) == null ? null : Duration.ofNanos(bestLatencyNanos);
    }

    synchronized boolean active(long nowNanos) {
        return everActive && nowNanos - lastActiveNanos < ACTIVE_NANOS;
    }

    /**
     * The pings due now; the caller sends them and later reports pongs with {@link #onPong}. At
     * most {@code limit} of them (what the node as a whole may still send) and at most what this
     * peer's {@link #MAX_PINGS_PER_WINDOW} leaves: an endpoint left out stays due and goes out
     * with a later call.
     */
    synchronized Probes probes(long nowNanos, int limit) {
        if (!everWindowed || nowNanos - windowStartNanos >= PING_SPACING_NANOS) {
            everWindowed = true;
            windowStartNanos = nowNanos;
            pingsInWindow = 0;
        }
        int budget = Math.min(limit, MAX_PINGS_PER_WINDOW - pingsInWindow);
        if (!discoveryAllowed || candidates.isEmpty() || !active(nowNanos) || budget <= 0) {
            return Probes.NONE;
        }
        InetSocketAddress trusted = trustedDirect(nowNanos);
        boolean fullDue = trusted == null || !everDiscovered || nowNanos - lastFullDiscoveryNanos >= REDISCOVERY_NANOS;
        if (!fullDue) {
            // The heartbeat when due, and whatever the peer's last call-me-maybe named: a peer
            // that moved still lists its old address (tailscale keeps advertising an endpoint for
            // minutes), so its new one is pinged now, as tailscale's handleCallMeMaybe does,
            // not once the old path's proof has lapsed.
            List<InetSocketAddress> pings = candidates.entrySet().stream()
                    .filter(e -> e.getKey().equals(trusted)
                            ? !e.getValue().everPinged || nowNanos - e.getValue().lastPingNanos >= HEARTBEAT_NANOS
                            : e.getValue().called)
                    .limit(budget)
                    .map(Map.Entry::getKey)
                    .toList();
            pings.forEach(a -> mark(candidates.get(a), nowNanos));
            pingsInWindow += pings.size();
            return pings.isEmpty() ? Probes.NONE : new Probes(pings, false);
        }
        // The least recently pinged first, so that past the budget no endpoint waits for ever.
        List<InetSocketAddress> pings = candidates.entrySet().stream()
                .filter(e -> !e.getValue().everPinged || nowNanos - e.getValue().lastPingNanos >= PING_SPACING_NANOS)
                .sorted(LEAST_RECENTLY_PINGED)
                .limit(budget)
                .map(Map.Entry::getKey)
                .toList();
        pings.forEach(a -> mark(candidates.get(a), nowNanos));
        if (pings.isEmpty()) {
            return Probes.NONE;
        }
        pingsInWindow += pings.size();
        everDiscovered = true;
        lastFullDiscoveryNanos = nowNanos;
        return new Probes(pings, callMeMaybeDue(nowNanos));
    }

    /**
     * A ping of the user's ({@code tailscale ping}) just went to every candidate: that counts as
     * use of the peer, so discovery goes on from here, and as this round of discovery, so the
     * candidates are not pinged again before their spacing. Returns whether a call-me-maybe
     * should go with it: without one a peer behind a NAT that filters by address never pings
     * back, and our pings die at its NAT (tailscale sends it with its next heartbeat, 3 s later).
     */
    synchronized boolean pingedAll(long nowNanos) {
        markActive(nowNanos);
        if (!discoveryAllowed || candidates.isEmpty()) {
            return false;
        }
        candidates.values().forEach(c -> mark(c, nowNanos));
        everDiscovered = true;
        lastFullDiscoveryNanos = nowNanos;
        return callMeMaybeDue(nowNanos);
    }

    private boolean callMeMaybeDue(long nowNanos) {
        boolean call = !everCalled || nowNanos - lastCallMeMaybeNanos >= PING_SPACING_NANOS;
        if (call) {
            everCalled = true;
            lastCallMeMaybeNanos = nowNanos;
        }
        return call;
    }

    private void markActive(long nowNanos) {
        lastActiveNanos = nowNanos;
        everActive = true;
    }

    private static void mark(Candidate c, long nowNanos) {
        c.everPinged = true;
        c.called = false;
        c.lastPingNanos = nowNanos;
    }

    /** The peer's data came over a direct path (an address it proved). Cheap: called per datagram. */
    void receivedDirect() {
        if (!dataCameDirect) {
            dataCameDirect = true;
        }
    }

    /**
     * The peer's data came through DERP. A tailscale peer sends through the relay only while it
     * has no trusted direct path to us: when it did before (its data came direct) and no longer
     * does, its network most likely changed under it, and the path we trust leads to where it
     * was. So that trust ends now, as a call-me-maybe without the path ends it: data goes through
     * DERP too, and every candidate is pinged at once; a pong from wherever the peer is now
     * (the old path included, if it still works) makes a path direct again. Nothing is proven
     * by this, only doubted. At most once per {@link #DOUBT_SPACING_NANOS}: a DERP packet
     * within it leaves the switch pending for the next one after it.
     *
     * @return whether this ended the trust in a direct path
     */
    boolean receivedThroughDerp(long nowNanos) {
        if (!dataCameDirect) {
            return false; // the usual case on the relay: nothing to lock for
        }
        synchronized (this) {
            if (trustedDirect(nowNanos) == null) {
                dataCameDirect = false; // nothing to end: data goes through the relay as it is
                return false;
            }
            if (everDoubted && nowNanos - lastDoubtNanos < DOUBT_SPACING_NANOS) {
                return false;
            }
            dataCameDirect = false;
            everDoubted = true;
            lastDoubtNanos = nowNanos;
            trustedUntilNanos = nowNanos;
            everDiscovered = false;
            candidates.values().forEach(c -> c.everPinged = false);
            return true;
        }
    }

    /**
     * Our network changed: the proven path may lead nowhere now, and every candidate is worth a
     * ping again at once, with a call-me-maybe. Candidates stay (the peer has not moved); so does
     * activity, so an active peer is probed from the next tick.
     */
    synchronized void reset() {
        best = null;
        trustedUntilNanos = 0;
        everDiscovered = false;
        everCalled = false;
        candidates.values().forEach(c -> c.everPinged = false);
    }

    /**
     * The peer listed where it can be reached now (a call-me-maybe): if our proven path is not
     * among those places, the peer has moved away from it, so it is trusted no longer (data goes
     * through DERP too) and is pinged at once, which settles whether it still works. Without
     * this a peer that changed networks stays unreachable for as long as the old proof lasts.
     */
    synchronized void listedByPeer(Set<InetSocketAddress> endpoints, long nowNanos) {
        if (best != null && !endpoints.contains(best) && nowNanos - trustedUntilNanos < 0) {
            trustedUntilNanos = nowNanos;
            Candidate c = candidates.get(best);
            if (c != null) {
                c.everPinged = false;
            }
        }
    }

    /**
     * A pong answered a ping we sent to {@code endpoint}: the path works. It becomes the best
     * path if there is none, if the current one is no longer trusted, or if it is faster.
     * Returns true when it replaced a direct path that had stopped being trusted: the peer moved
     * (or the old way died), so what was sent down the old path meanwhile is lost.
     */
    synchronized boolean onPong(InetSocketAddress endpoint, long latencyNanos, long nowNanos) {
        if (!discoveryAllowed || !candidates.containsKey(endpoint)) {
            return false;
        }
        boolean lapsed = nowNanos - trustedUntilNanos >= 0;
        boolean replace = best == null || endpoint.equals(best) || lapsed || latencyNanos < bestLatencyNanos;
        boolean moved = replace && best != null && !endpoint.equals(best) && lapsed;
        if (replace) {
            best = endpoint;
            bestLatencyNanos = latencyNanos;
            trustedUntilNanos = nowNanos + TRUST_NANOS;
        }
        return moved;
    }
}
