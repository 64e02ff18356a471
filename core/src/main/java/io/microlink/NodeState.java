package io.microlink;

/** Where a {@link TailnetNode} is in its life with the control server. */
public enum NodeState {
    /** Built, not started. */
    IDLE,
    /** Reaching the control server (or waiting to retry after a failure). */
    CONNECTING,
    /** Registering its node key. */
    REGISTERING,
    /** Registered and receiving the netmap. */
    CONNECTED,
    /** Control wants a login: a login URL to visit, or a valid auth key. */
    NEEDS_LOGIN,
    /** The node key expired; the node re-registers if it can. */
    EXPIRED,
    /** Stopped by {@link TailnetNode#close()}. */
    STOPPED
}
