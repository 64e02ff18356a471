package io.microlink.wireguard.session;

import io.microlink.netstack.EventCounters;
import java.util.Map;

/**
 * What the engine dropped and why, and the handshake events worth watching. Every packet the
 * engine refuses is counted under exactly one reason, never thrown.
 */
public final class Counters {
    /** Why a packet was dropped or what happened. */
    public enum Event {
        /** A datagram too short or with wrong lengths for its message type. */
        DROPPED_MALFORMED,
        /** A datagram whose first byte names no WireGuard message. */
        DROPPED_UNKNOWN_TYPE,
        /** A handshake message whose mac1 does not match our public key. */
        DROPPED_INVALID_MAC1,
        /** A handshake message that fails decryption or the Noise state checks. */
        DROPPED_HANDSHAKE_FAILED,
        /** A handshake initiation from a static key that is not one of our peers. */
        DROPPED_UNKNOWN_PEER,
        /** An initiation whose timestamp is not newer than the peer's last one. */
        DROPPED_INITIATION_REPLAY,
        /** An initiation sooner after the peer's previous one than WireGuard allows. */
        DROPPED_INITIATION_FLOOD,
        /** A handshake message past its source's rate while under load. */
        DROPPED_RATE_LIMITED,
        /** A response, cookie reply or data message for a receiver index we do not hold. */
        DROPPED_UNKNOWN_INDEX,
        /** A data message for a session key too old to use. */
        DROPPED_EXPIRED_KEY,
        /** A data message whose counter the replay window has seen or left behind. */
        DROPPED_REPLAY,
        /** A data message whose tag does not verify. */
        DROPPED_AUTH_FAILED,
        /** A decrypted packet whose inner source is not among the peer's allowed IPs. */
        DROPPED_SOURCE_NOT_ALLOWED,
        /** An outbound packet whose destination no peer's allowed IPs cover. */
        DROPPED_NO_ROUTE,
        /** An outbound packet for a peer with no endpoint to send to. */
        DROPPED_NO_ENDPOINT,
        /** An outbound packet past the per-peer queue while its handshake runs. */
        DROPPED_STAGED_OVERFLOW,
        /** A cookie reply that does not decrypt or answers nothing we sent. */
        DROPPED_INVALID_COOKIE,
        /** Cookie replies sent to handshakes while under load. */
        COOKIE_REPLIES_SENT,
        /** Cookies received from peers under load. */
        COOKIES_RECEIVED,
        /** Handshakes that gave a peer new session keys. */
        HANDSHAKES_COMPLETED,
        /**
         * Handshakes started because a known peer sent data for a session this side no longer
         * has (it restarted; the peer did not).
         */
        HANDSHAKES_FOR_UNKNOWN_SESSION,
        /** Empty data messages (keepalives) received. */
        KEEPALIVES_RECEIVED,
        /** Peers whose session keys went to make room under the session cap. */
        SESSIONS_EVICTED
    }

    private final EventCounters<Event> counts = new EventCounters<>(Event.class);

    /** All counters at zero. */
    public Counters() {}

    void add(Event e) {
        counts.add(e);
    }

    /**
     * One counter.
     *
     * @param e the event
     * @return how often it happened
     */
    public long get(Event e) {
        return counts.get(e);
    }

    /**
     * Non-zero counters by name, for logs and status output.
     *
     * @return lower-case event names to counts, in the enum's order
     */
    public Map<String, Long> snapshot() {
        return counts.snapshot();
    }

    @Override
    public String toString() {
        return snapshot().toString();
    }
}
