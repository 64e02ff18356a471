package io.microlink.host.proxy;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;

/** Why a proxy could not reach its target, in the classes both proxies answer differently. */
enum DialFailure {
    /** Not a MagicDNS name of this tailnet and no exit node, or, with one, a name the node's DNS did not resolve. */
    NOT_IN_TAILNET,
    /** An address no peer carries: outside the tailnet without an accepted route or exit node. */
    NO_ROUTE,
    /** The peer answered with a reset. */
    REFUSED,
    /** Nothing answered in time (peer offline, no route, or packets dropped by its ACLs). */
    TIMEOUT,
    /** Anything else, such as a node that is not connected yet. */
    OTHER;

    static DialFailure of(Exception e) {
        return switch (e) {
            case UnknownHostException u -> NOT_IN_TAILNET;
            case NoRouteToHostException n -> NO_ROUTE;
            case ConnectException c -> REFUSED;
            case SocketTimeoutException t -> TIMEOUT;
            default -> OTHER;
        };
    }

    /** One line for the log, naming the target. */
    String describe(String host, int port, Exception e) {
        String target = (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        return switch (this) {
            // With an exit node the node's own DNS was asked, and its message says what it answered.
            case NOT_IN_TAILNET -> e.getMessage() != null && e.getMessage().startsWith(host + ": ") ? e.getMessage()
                    : host + " is not a name in the tailnet, and only tailnet names are looked up (no exit node is used)";
            case NO_ROUTE -> e.getMessage();
            case REFUSED -> target + " refused the connection";
            case TIMEOUT -> target + " did not answer in time";
            case OTHER -> "cannot reach " + target + ": " + e.getMessage();
        };
    }
}
