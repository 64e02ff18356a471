package io.microlink.netmap;

import io.microlink.PeerEvent.Kind;
import io.microlink.control.wire.Node;

/**
 * One change to the peer list, derived from a netmap update, with the peers as control sent
 * them; {@link io.microlink.PeerEvent} is what applications see of it. The kinds are the
 * public ones, so the two cannot drift apart.
 *
 * @param previous the peer before the change; null for {@link Kind#ADDED}
 * @param peer     the peer after the change; for {@link Kind#REMOVED} the peer as it was
 */
public record PeerUpdate(Kind kind, Node peer, Node previous) {}
