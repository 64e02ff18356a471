package io.microlink.magicsock;

import io.microlink.control.wire.Node;
import io.microlink.key.KeyKind;
import io.microlink.key.PrivateKey;
import io.microlink.key.PublicKey;
import io.microlink.netmap.Netmap;
import io.microlink.tsmp.TsmpResponder;
import io.microlink.wireguard.noise.Protocol;
import io.microlink.wireguard.session.Engine;
import io.microlink.wireguard.session.EngineSettings;
import io.microlink.wireguard.session.Network;
import io.microlink.wireguard.session.Peer;
import io.microlink.wireguard.session.PeerSpec;
import io.microlink.wireguard.session.TimeSource;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * Attaches the WireGuard engine to magicsock's paths. The engine only knows socket addresses,
 * so a DERP path is written as an unresolved address {@code derp.<peer node key hex>:<region>}
 * that names its own destination; a direct path is the peer's real UDP address. Because the
 * engine follows a peer to the source of its latest authenticated packet, a peer that starts
 * talking to us directly moves us onto the direct path too.
 *
 * <p>Inner packets go to the TSMP responder; a TCP/IP stack does not exist yet.
 */
final class WireGuardLink implements Network {
    private static final String DERP_PREFIX = "derp.";
    private static final HexFormat HEX = HexFormat.of();
    /** The transport header goes in front of the packet, padding (to 16) and the tag after it. */
    private static final int HEADROOM = Protocol.TRANSPORT_HEADER_SIZE;
    private static final int TAILROOM = 16 + 16;

    /** Where the link's output goes. */
    interface Paths {
        void sendUdp(byte[] packet, InetSocketAddress to);

        void sendDerp(PublicKey peer, int region, byte[] packet);
    }

    private final Engine engine;
    private final PublicKey nodeKey;
    private final Paths paths;
    private final Map<PublicKey, Peer> peers = new HashMap<>();

    WireGuardLink(PrivateKey nodeKey, Paths paths) {
        this.engine = new Engine(nodeKey.raw(), EngineSettings.DEFAULT, TimeSource.system());
        this.nodeKey = nodeKey.publicKey();
        this.paths = paths;
    }

    PublicKey nodeKey() {
        return nodeKey;
    }

    static InetSocketAddress derpPath(PublicKey peer, int region) {
        return InetSocketAddress.createUnresolved(DERP_PREFIX + HEX.formatHex(peer.raw()), region);
    }

    /** Adds new peers (first reached through their home DERP) and removes departed ones. */
    synchronized void sync(Netmap netmap) {
        Map<PublicKey, Node> wanted = new HashMap<>();
        for (Node n : netmap.peers()) {
            if (n.key() != null && n.addresses() != null) {
                wanted.put(PublicKey.parse(KeyKind.NODE, n.key()), n);
            }
        }
        peers.entrySet().removeIf(e -> {
            if (!wanted.containsKey(e.getKey())) {
                engine.removePeer(e.getValue());
                return true;
            }
            return false;
        });
        wanted.forEach((key, node) -> peers.computeIfAbsent(key, k -> {
            Peer p = engine.addPeer(new PeerSpec(k.raw(), null,
                    node.homeRegion() == 0 ? null : derpPath(k, node.homeRegion()), 0, false));
            for (String prefix : node.addresses()) {
                route(prefix, p);
            }
            return p;
        }));
    }

    private void route(String prefix, Peer peer) {
        int slash = prefix.indexOf('/');
        try {
            InetAddress ip = InetAddress.getByName(slash < 0 ? prefix : prefix.substring(0, slash));
            int bits = slash < 0 ? ip.getAddress().length * 8 : Integer.parseInt(prefix.substring(slash + 1));
            engine.allowedIps().insert(ip, bits, peer);
        } catch (UnknownHostException | NumberFormatException e) {
            // A malformed address from control routes nothing; the peer stays reachable by its others.
        }
    }

    /** Each known peer's WireGuard state, by node key. */
    synchronized Map<PublicKey, Peer> peers() {
        return Map.copyOf(peers);
    }

    /** The region of a DERP path written by {@link #derpPath}, or -1 for a direct path. */
    static int derpRegion(InetSocketAddress path) {
        return path.isUnresolved() && path.getHostString().startsWith(DERP_PREFIX) ? path.getPort() : -1;
    }

    void receiveUdp(byte[] packet, InetSocketAddress from) {
        engine.receive(packet, 0, packet.length, from, this);
    }

    void receiveDerp(byte[] packet, PublicKey from, int region) {
        engine.receive(packet, 0, packet.length, derpPath(from, region), this);
    }

    void tick() {
        engine.tick(this);
    }

    @Override
    public void send(InetSocketAddress to, byte[] buf, int off, int len) {
        byte[] packet = Arrays.copyOfRange(buf, off, off + len);
        if (to.isUnresolved() && to.getHostString().startsWith(DERP_PREFIX)) {
            paths.sendDerp(PublicKey.of(KeyKind.NODE, HEX.parseHex(to.getHostString().substring(DERP_PREFIX.length()))),
                    to.getPort(), packet);
        } else {
            paths.sendUdp(packet, to);
        }
    }

    @Override
    public void deliver(byte[] buf, int off, int len) {
        TsmpResponder.pong(buf, off, len).ifPresent(this::sendInner);
    }

    /** Sends an inner IP packet; the engine encrypts in place, so it gets header room and tail room. */
    private void sendInner(byte[] packet) {
        byte[] frame = new byte[HEADROOM + packet.length + TAILROOM];
        System.arraycopy(packet, 0, frame, HEADROOM, packet.length);
        engine.send(frame, HEADROOM, packet.length, this);
    }
}
