package io.microlink;

import java.util.Objects;

/**
 * WireGuard datagrams exchanged with one peer over one kind of path, since the peer appeared in
 * this node's netmap: a part of {@link NodeMetrics}.
 *
 * @param peer      the peer's MagicDNS name ({@link Peer#fqdn()})
 * @param path      {@code direct} (UDP to an address the peer proved with a DISCO pong) or
 *                  {@code derp} (through a relay)
 * @param rxBytes   bytes of WireGuard datagrams received from the peer on this path
 * @param rxPackets those datagrams
 * @param txBytes   bytes of WireGuard datagrams sent to the peer on this path
 * @param txPackets those datagrams
 */
public record PeerTraffic(String peer, String path, long rxBytes, long rxPackets, long txBytes, long txPackets) {
    /** Checks that the names are there. */
    public PeerTraffic {
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(path, "path");
    }
}
