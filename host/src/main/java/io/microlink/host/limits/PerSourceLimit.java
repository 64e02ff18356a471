package io.microlink.host.limits;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How many connections each source address holds in one phase (the proxies: their handshake;
 * the web server: the whole connection), capped per address, so that one caller (a tailnet
 * peer holding sockets open, or trickling heads) cannot take every slot of a listener and lock
 * out everyone else. An address is remembered only while it has a connection counted, so the
 * map never holds more addresses than there are connections. Thread-safe.
 *
 * <pre>{@code
 * if (!perSource.tryAcquire(caller)) { socket.close(); return; }
 * try { serve(socket); } finally { perSource.release(caller); }
 * }</pre>
 */
public final class PerSourceLimit {
    private final int max;
    private final ConcurrentHashMap<InetAddress, Integer> counts = new ConcurrentHashMap<>();

    /** @param max connections one source address may hold at once */
    public PerSourceLimit(int max) {
        this.max = max;
    }

    /** Counts one more connection of {@code source}, unless it has {@code max} already. */
    public boolean tryAcquire(InetAddress source) {
        boolean[] counted = {false};
        counts.compute(source, (a, n) -> {
            int now = n == null ? 0 : n;
            if (now >= max) {
                return n;
            }
            counted[0] = true;
            return now + 1;
        });
        return counted[0];
    }

    /** One connection of {@code source} ended (or left the phase). */
    public void release(InetAddress source) {
        counts.computeIfPresent(source, (a, n) -> n <= 1 ? null : n - 1);
    }
}
