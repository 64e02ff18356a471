package io.microlink;

import io.microlink.netmap.Netmap;
import io.microlink.netmap.PeerUpdate;

/**
 * What the {@link ControlLoop} reports, in core's own netmap types. {@link TailnetNode} turns
 * these into the public {@link NodeListener} callbacks, so the wire model never reaches an
 * application and the loop never depends on the public one.
 */
interface LoopListener {
    void stateChanged(NodeState state, String detail);

    void netmapChanged(Netmap netmap);

    void peerChanged(PeerUpdate event);

    void loginUrl(String url);
}
