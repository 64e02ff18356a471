package io.microlink.wireguard.session;

/**
 * Makes peers when the engine first needs them, for a runtime that knows far more peers than
 * ever exchange a packet: a tailnet node learns thousands from its netmap, and tailscaled too
 * gives wireguard-go only the peers with recent traffic. The engine asks only on a miss, so a
 * peer it has costs nothing here; a source adds the peer ({@link Engine#addPeer}) and routes its
 * allowed IPs before it returns it.
 *
 * <pre>{@code
 * PeerSource fromDirectory = new PeerSource() {
 *     public Peer forKey(byte[] publicKey) {
 *         return directory.knows(publicKey) ? addWithRoutes(publicKey) : null;
 *     }
 *     public Peer forDestination(byte[] buf, int addressOffset, int addressLength) {
 *         return directory.ownerOf(buf, addressOffset, addressLength);  // added, or null
 *     }
 * };
 * Engine engine = new Engine(privateKey, EngineSettings.DEFAULT, TimeSource.system(), fromDirectory);
 * }</pre>
 */
public interface PeerSource {
    /** A source that knows no more peers than the engine has. */
    PeerSource NONE = new PeerSource() {
        @Override
        public Peer forKey(byte[] publicKey) {
            return null;
        }

        @Override
        public Peer forDestination(byte[] buf, int addressOffset, int addressLength) {
            return null;
        }
    };

    /**
     * A handshake initiation came from a static key no peer of the engine has.
     *
     * @param publicKey the initiator's 32-byte static key (the engine's own array: read, do not keep)
     * @return the peer, now added to the engine, or null to drop the initiation
     */
    Peer forKey(byte[] publicKey);

    /**
     * An outbound packet's destination is routed to no peer.
     *
     * @param buf           the buffer holding the packet
     * @param addressOffset where its destination address starts
     * @param addressLength 4 or 16
     * @return the peer, now added to the engine with a route covering the destination, or null
     *         to drop the packet
     */
    Peer forDestination(byte[] buf, int addressOffset, int addressLength);
}
