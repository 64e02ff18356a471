package io.microlink.web.http;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The connection slots of one listener: at most {@code max} open, at most {@code perSource}
 * from one caller. A caller is its address; on loopback (127.0.0.0/8, ::1), where any local
 * process may bind 127.0.0.2, .3, .4 to look like four, it is the local user that owns the
 * client's socket when the kernel can say ({@link LocalSocketOwners}), else one "this host".
 *
 * <p>On a listener whose owner can be recognised (the local page: a request carrying its
 * token or session), a connection that has carried an owner's request is <em>proven</em> and
 * keeps its slot; when a newcomer finds its caller's share full, that caller's oldest unproven
 * connection is closed to make room, as a busy server sheds idle keep-alive connections, and
 * when it finds the listener full, the oldest unproven connection of the caller holding the
 * most. A slowloris caller then holds slots only until its next connection arrives, and cannot
 * push out the connections of another caller (another local user) at all while it keeps to its
 * share. Without an owner test (the tailnet listener, where WireGuard vouches for each address)
 * a caller past its share or a full listener is refused instead. Thread-safe; at most
 * {@code max} entries, so the linear scans are cheap.
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
     * @param localUser the uid owning the client's socket, for a loopback caller, if known
     * @param evict closes the connection; run (outside the lock) if a later newcomer displaces it
     */
    Slot admit(InetAddress caller, OptionalInt localUser, Runnable evict) {
        Object source = sourceOf(caller, localUser);
        Slot victim = null;
        Slot slot;
        synchronized (this) {
            if (held.stream().filter(s -> s.source.equals(source)).count() >= perSource) {
                victim = oldestUnproven(source);
                if (victim == null) {
                    return null;
                }
            } else if (held.size() >= max) {
                victim = oldestUnproven(largestSource());
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

    /** The oldest unproven slot of {@code source}, or null if none may be displaced. */
    private Slot oldestUnproven(Object source) {
        if (!displaceUnproven || source == null) {
            return null;
        }
        for (Slot s : held) {
            if (!s.proven && s.source.equals(source)) {
                return s;
            }
        }
        return null;
    }

    /** The source holding the most unproven slots (the earliest such on a tie), or null if none. */
    private Object largestSource() {
        Map<Object, Integer> unproven = new LinkedHashMap<>();
        for (Slot s : held) {
            if (!s.proven) {
                unproven.merge(s.source, 1, Integer::sum);
            }
        }
        Object largest = null;
        int most = 0;
        for (Map.Entry<Object, Integer> e : unproven.entrySet()) {
            if (e.getValue() > most) {
                largest = e.getKey();
                most = e.getValue();
            }
        }
        return largest;
    }

    /** A local user, as a caller on loopback. */
    private record LocalUser(int uid) {}

    /**
     * Who a caller counts as: its address; on loopback the local user owning its socket, or one
     * "this host" for every loopback caller no one can tell apart.
     */
    private static Object sourceOf(InetAddress caller, OptionalInt localUser) {
        // An IPv4-mapped ::ffff:127.x caller reaches us as an Inet4Address, so it is caught here too.
        if (!caller.isLoopbackAddress()) {
            return caller;
        }
        return localUser.isPresent() ? new LocalUser(localUser.getAsInt()) : LOOPBACK;
    }
}
