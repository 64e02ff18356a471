package io.microlink.lopower.enroll;

/**
 * A port of the bridge's tailnet address forwarded to a port of one device.
 *
 * @param tailnetPort the port on the bridge's tailnet addresses
 * @param device      the device's name
 * @param devicePort  the port on the device
 * @param udp         a UDP forward; false (as in files written before UDP forwards) for TCP
 */
public record ForwardRecord(int tailnetPort, String device, int devicePort, boolean udp) {
    /** The same port of the same protocol: at most one forward may hold it. */
    public boolean samePort(ForwardRecord other) {
        return tailnetPort == other.tailnetPort && udp == other.udp;
    }
}
