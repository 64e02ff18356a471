package io.microlink;

/**
 * One of the node's uplinks (see {@link TailnetNode.Builder#uplinks}) as its health checks see it.
 *
 * @param name   the network interface, e.g. {@code wlan0}
 * @param health what the last checks said
 * @param active whether the node's traffic (its UDP socket, DERP and control connections) leaves through it now
 */
public record UplinkStatus(String name, Health health, boolean active) {
    /** What an uplink's health checks say. */
    public enum Health {
        /** Not yet checked often enough to say. */
        UNKNOWN,
        /** Its last checks reached the relay: it carries traffic. */
        UP,
        /** Its last checks failed in a row: traffic goes elsewhere. */
        DOWN
    }
}
