package io.microlink.wireguard.session;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;

/**
 * Maps our random 32-bit session indices (the "receiver" field of incoming messages) to the
 * handshake or keypair they name. Its size is bounded by construction: each peer holds at most
 * one handshake index and three keypair indices (previous, current, next). Thread-safe.
 */
final class IndexTable {
    /** What an index names: a peer's handshake in progress, or one of its keypairs. */
    record Entry(Peer peer, Keypair keypair) {}

    private final ConcurrentHashMap<Integer, Entry> entries = new ConcurrentHashMap<>();
    private final IntSupplier random;

    IndexTable(IntSupplier random) {
        this.random = random;
    }

    /** Reserves a fresh index for {@code peer}'s handshake. */
    int newHandshakeIndex(Peer peer) {
        Entry entry = new Entry(peer, null);
        while (true) {
            int index = random.getAsInt();
            if (entries.putIfAbsent(index, entry) == null) {
                return index;
            }
        }
    }

    /** Re-points a handshake's index at the keypair it produced. */
    void promote(Keypair keypair) {
        entries.put(keypair.localIndex, new Entry(keypair.peer, keypair));
    }

    Entry lookup(int index) {
        return entries.get(index);
    }

    void remove(int index) {
        entries.remove(index);
    }

    int size() {
        return entries.size();
    }
}
