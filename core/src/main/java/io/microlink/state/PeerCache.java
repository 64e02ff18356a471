package io.microlink.state;

import io.microlink.StateException;
import io.microlink.control.wire.DerpMap;
import io.microlink.control.wire.MapResponse;
import io.microlink.control.wire.Node;
import io.microlink.key.KeyKind;
import io.microlink.key.PrivateKey;
import io.microlink.key.PublicKey;
import io.microlink.netmap.Netmap;
import io.microlink.netmap.NetmapUpdater;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The peers this node exchanged traffic with most recently (at most {@code capacity}, the
 * least recently used dropped first), kept in {@code <dir>/peers.json} with the DERP map, this
 * node's own addresses and the disco key peers know it by. On the next start the node seeds
 * its netmap from it, so it reaches those peers before control answers, or while control is
 * down. It is a cache: a file that cannot be read is ignored with a warning and rewritten.
 *
 * <pre>{@code
 * PeerCache cache = PeerCache.load(dir, 32, identity);
 * cache.seed().ifPresent(provisional -> ...);          // until the first real netmap
 * cache.observe(netmap, peersThatSentTraffic, udpPort); // now and then
 * cache.save();                                        // writes only what changed
 * }</pre>
 */
public final class PeerCache {
    /** The cache's file in the state directory. */
    public static final String FILE_NAME = "peers.json";
    /** How many peers a node keeps unless told otherwise (MicroLink keeps 64 on an ESP32). */
    public static final int DEFAULT_CAPACITY = 32;
    /** A bound on the file's size and on the work of a seed. */
    public static final int MAX_CAPACITY = 4096;
    private static final System.Logger LOG = System.getLogger("io.microlink.state");

    private final Path file;
    private final int capacity;
    private final String controlUrl;
    private final PrivateKey discoKey;
    /** Least recently used first. */
    private final LinkedHashMap<Long, Node> peers = new LinkedHashMap<>();
    private Node self;
    private DerpMap derpMap;
    private int udpPort;
    /** What the file holds, so a save that would change nothing writes nothing. */
    private byte[] written;

    private PeerCache(Path dir, int capacity, String controlUrl, PeerCacheFile.Contents loaded) {
        this.file = dir.resolve(FILE_NAME);
        this.capacity = capacity;
        this.controlUrl = controlUrl;
        if (loaded == null) {
            this.discoKey = PrivateKey.generate(KeyKind.DISCO);
            return;
        }
        this.discoKey = loaded.discoKey();
        this.self = loaded.self();
        this.derpMap = loaded.derpMap();
        this.udpPort = loaded.udpPort();
        for (Node p : loaded.peers().reversed()) {
            peers.put(p.id(), p);
        }
        trim();
        this.written = PeerCacheFile.encode(contents());
    }

    /**
     * The cache of {@code identity} in {@code dir}. A missing file, one of another identity or
     * control server, or one that cannot be read gives an empty cache (the last with a
     * warning); none of them stops the node. With {@code capacity} 0 the cache is off: nothing
     * is read or written, and a file left from before is deleted.
     */
    public static PeerCache load(Path dir, int capacity, NodeIdentity identity) {
        if (capacity < 0 || capacity > MAX_CAPACITY) {
            throw new IllegalArgumentException("peer cache capacity must be 0-" + MAX_CAPACITY + ", got " + capacity);
        }
        PeerCache empty = new PeerCache(dir, capacity, identity.controlUrl(), null);
        Path file = dir.resolve(FILE_NAME);
        if (capacity == 0) {
            empty.delete();
            return empty;
        }
        PeerCacheFile.Contents c;
        try {
            c = PeerCacheFile.decode(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            return empty;
        } catch (IOException e) {
            LOG.log(Level.WARNING, "peer cache " + file + " cannot be read (" + e.getMessage()
                    + "); starting without it, it will be rewritten");
            return empty;
        } catch (PeerCacheFile.InvalidException e) {
            LOG.log(Level.WARNING, "peer cache " + file + " is corrupt (" + e.getMessage()
                    + "); starting without it, it will be rewritten");
            return empty;
        }
        String ownKey = identity.nodeKey().publicKey().toString();
        if (!identity.controlUrl().equals(c.controlUrl()) || c.self() == null || !ownKey.equals(c.self().key())) {
            LOG.log(Level.INFO, "peer cache " + file + " belongs to another node key or control server; not using it");
            return empty;
        }
        return new PeerCache(dir, capacity, identity.controlUrl(), c);
    }

    /** The disco key to use: the one peers knew this node by before the restart, if cached. */
    public PrivateKey discoKey() {
        return discoKey;
    }

    /** The UDP port peers reached this node at before the restart, or 0 if none is cached. */
    public synchronized int udpPort() {
        return udpPort;
    }

    /**
     * A provisional netmap: this node's addresses, the cached peers and the DERP map, with no
     * packet filter (so only replies to this node's own traffic get in until control sends
     * the real one). Empty when nothing usable is cached.
     */
    public synchronized Optional<Netmap> seed() {
        if (self == null || derpMap == null || peers.isEmpty()) {
            return Optional.empty();
        }
        MapResponse cached = new MapResponse(false, self, derpMap, List.copyOf(peers.values()), null, null, null,
                null, null, null, null, null, null, null, null, null);
        return Optional.of(NetmapUpdater.apply(NetmapUpdater.empty(), cached).netmap());
    }

    /**
     * Takes what {@code netmap} says about this node, the relays and the cached peers (a peer
     * no longer in it is dropped), moves the peers in {@code used} to the front, and notes the
     * UDP port (0: none bound yet, keep the cached one).
     */
    public synchronized void observe(Netmap netmap, Collection<PublicKey> used, int boundUdpPort) {
        if (netmap.self().isEmpty() || netmap.derpMap().isEmpty()) {
            return; // nothing from control yet: keep what the file had
        }
        if (boundUdpPort != 0) {
            udpPort = boundUdpPort;
        }
        self = PeerCacheFile.keep(netmap.self().get());
        derpMap = netmap.derpMap().get();
        for (Iterator<Map.Entry<Long, Node>> it = peers.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Long, Node> e = it.next();
            Optional<Node> now = netmap.peer(e.getKey());
            if (now.isPresent() && now.get().key() != null) {
                e.setValue(PeerCacheFile.keep(now.get())); // fresh endpoints and keys, same place in the order
            } else {
                it.remove();
            }
        }
        for (PublicKey key : used) {
            netmap.peerByNodeKey(key).ifPresent(n -> {
                peers.remove(n.id());
                peers.put(n.id(), PeerCacheFile.keep(n));
            });
        }
        trim();
    }

    /**
     * Writes the file if its content would change, and once this node's own addresses are
     * known (before that there is nothing a restart could use).
     *
     * @return whether it wrote
     */
    public synchronized boolean save() throws StateException {
        if (capacity == 0 || self == null) {
            return false;
        }
        byte[] next = PeerCacheFile.encode(contents());
        if (Arrays.equals(next, written)) {
            return false;
        }
        PrivateFiles.writeAtomically(file, next);
        written = next;
        return true;
    }

    /** The cached peers, most recently used first. */
    public synchronized List<Node> peers() {
        return new ArrayList<>(peers.values()).reversed();
    }

    public Path file() {
        return file;
    }

    private PeerCacheFile.Contents contents() {
        return new PeerCacheFile.Contents(controlUrl, discoKey, udpPort, self, derpMap, peers());
    }

    private void trim() {
        Iterator<Long> eldest = peers.keySet().iterator();
        while (peers.size() > capacity && eldest.hasNext()) {
            eldest.next();
            eldest.remove();
        }
    }

    private void delete() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "peer cache is off but " + file + " cannot be deleted: " + e.getMessage());
        }
    }
}
