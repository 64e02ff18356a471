package io.microlink.web.http;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The connection slots of one listener: at most {@code max} open, at most {@code perSource}
 * from one caller. Every loopback address (127.0.0.0/8, ::1) is one caller: they are all this
 * host, and any local process may bind 127.0.0.2, .3, .4 to look like four.
 *
 * <p>On a listener whose owner can be recognised (the local page: a request carrying its
 * token or session), counting alone cannot keep the owner in: every local caller is the same
 * host, so one hostile local process at the host's share would lock the owner out. There a
 * connection that has carried an owner's request is <em>proven</em> and keeps its slot; when a
 * newcomer finds the caller's share or the listener full, the oldest unproven connection is
 * closed to make room, as a busy server sheds idle keep-alive connections. A slowloris caller
 * then holds slots only until the next connection arrives, and the owner's browser, whose
 * request arrives at once, gets in and stays. Without an owner test (the tailnet listener,
 * where WireGuard vouches for each address) a caller past its share or a full listener is
 * refused instead. Thread-safe; at most {@code max} entries, so the linear scans are cheap.
 */
final class ConnectionSlots {
    /** One admitted connection; {@link #release} when it ends. */
    final class Slot {
        private final Object source;
        private final Runnable evict;
        private boolean proven;

        private Slot(Object source, Runnable evict) {
            this.source = source;
            this.evict = evict;
        }

        /** This connection carried an owner's request: no newcomer may displace it. */
        void prove() {
            synchronized (ConnectionSlots.this) {
                proven = true;
            }
        }

        /** The connection ended (or was displaced); a second call does nothing. */
        void release() {
            synchronized (ConnectionSlots.this) {
                held.remove(this);
            }
        }
    }

    private static final Object LOOPBACK = "this host (loopback)";

    private final int max;
    private final int perSource;
    private final boolean displaceUnproven;
    /** Oldest first. */
    private final List<Slot> held = new ArrayList<>();

    /**
     * @param displaceUnproven whether a newcomer may close the oldest unproven connection (the
     *                         listener can recognise its owner) rather than be refused
     */
    ConnectionSlots(int max, int perSource, boolean displaceUnproven) {
        this.max = max;
        this.perSource = perSource;
        this.displaceUnproven = displaceUnproven;
    }

    /**
     * A slot for a connection from {@code caller}, or null when there is none to give.
     *
     * @param evict closes the connection; run (outside the lock) if a later newcomer displaces it
     */
    Slot admit(InetAddress caller, Runnable evict) {
        Object source = sourceOf(caller);
        Slot victim = null;
        Slot slot;
        synchronized (this) {
            if (held.stream().filter(s -> s.source.equals(source)).count() >= perSource) {
                victim = oldestUnproven(source);
                if (victim == null) {
                    return null;
                }
            } else if (held.size() >= max) {
                victim = oldestUnproven(null);
                if (victim == null) {
                    return null;
                }
            }
            if (victim != null) {
                held.remove(victim);
            }
            slot = new Slot(source, evict);
            held.add(slot);
        }
        if (victim != null) {
            victim.evict.run();
        }
        return slot;
    }

    /** Connections holding a slot. */
    synchronized int size() {
        return held.size();
    }

    /** The oldest unproven slot of {@code source} (any source if null), or null if none may be displaced. */
    private Slot oldestUnproven(Object source) {
        if (!displaceUnproven) {
            return null;
        }
        for (Slot s : held) {
            if (!s.proven && (source == null || s.source.equals(source))) {
                return s;
            }
        }
        return null;
    }

    /** Who a caller counts as: its address, or one "this host" for every loopback address. */
    private static Object sourceOf(InetAddress caller) {
        // An IPv4-mapped ::ffff:127.x caller reaches us as an Inet4Address, so it is caught here too.
        return caller.isLoopbackAddress() ? LOOPBACK : caller;
    }
}
