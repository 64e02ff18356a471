package io.microlink.lopower;

/**
 * Tailnet to device: TCP connections or UDP datagrams to {@code tailnetPort} of the bridge's
 * tailnet addresses go on to {@code devicePort} of the device named {@code device}.
 *
 * @param protocol    TCP or UDP; a TCP and a UDP forward may share a tailnet port
 * @param tailnetPort the port on the bridge's tailnet addresses
 * @param device      the device's name
 * @param devicePort  the port on the device
 */
public record PortForward(Protocol protocol, int tailnetPort, String device, int devicePort) {
    /** What a port forward carries. */
    public enum Protocol {
        /** Each connection is carried on to the device. */
        TCP,
        /** Each tailnet sender's datagrams are a flow of their own to the device, closed when idle. */
        UDP
    }

    /** As {@code forwards list} prints it: {@code 8080/tcp -> sensor-1:80}. */
    @Override
    public String toString() {
        return tailnetPort + "/" + protocol.name().toLowerCase(java.util.Locale.ROOT) + " -> " + device + ":" + devicePort;
    }
}
