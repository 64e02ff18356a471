package io.microlink.web;

import java.time.Instant;
import java.util.List;

/**
 * The plain-WireGuard devices of a LOPOWER bridge running beside the node, for the page's
 * Devices view and {@code /api/devices}: list, enroll (the answer carries the configuration and
 * its QR code once), remove. Served on 127.0.0.1 only, to the holder of the page's token: a
 * configuration may hold a device's private key, so nothing of it is offered on the tailnet.
 * The daemon's {@code lopower start --web-port} implements it over the bridge.
 */
public interface DeviceBridge {
    /**
     * One enrolled device and what its WireGuard peer did.
     *
     * @param name          the name it was enrolled by
     * @param addresses     its device-side addresses, IPv6 first
     * @param publicKey     its WireGuard public key (base64)
     * @param keyGenerated  whether the bridge generated its key pair (its configuration holds the private key)
     * @param lastHandshake its last completed handshake with the bridge, or null for none since the bridge started
     * @param rxBytes       bytes received from it since the bridge started
     * @param txBytes       bytes sent to it
     * @param online        whether it completed a handshake within the last three minutes
     */
    record Device(String name, List<String> addresses, String publicKey, boolean keyGenerated, Instant lastHandshake,
                  long rxBytes, long txBytes, boolean online) {
        public Device {
            addresses = List.copyOf(addresses);
        }
    }

    /**
     * A device just enrolled, with what the person needs to set it up.
     *
     * @param device its entry as {@link #devices()} lists it
     * @param config its configuration in wg-quick format (a secret when the bridge generated its key)
     * @param qrPng  the configuration as a QR code in a PNG image
     */
    record Enrolled(Device device, String config, byte[] qrPng) {}

    /** Every enrolled device, in enrollment order. */
    List<Device> devices() throws DeviceException;

    /**
     * Enrolls a device with the next free addresses.
     *
     * @param publicKey the device's own public key, or null to have the bridge generate the pair
     * @param endpoint  the bridge as the device reaches it (host:port), or null for this host's first address
     * @param keepalive PersistentKeepalive seconds, or null for the bridge's default
     * @throws DeviceException for a bad or taken name or key, a full pool or a bad endpoint
     */
    Enrolled add(String name, String publicKey, String endpoint, Integer keepalive) throws DeviceException;

    /**
     * Removes the device; the bridge cuts it off within a second.
     *
     * @throws DeviceException when no device has that name
     */
    void remove(String name) throws DeviceException;

    /** A mistake the person can fix (answered 400 with this one-line message), or a broken registry. */
    final class DeviceException extends Exception {
        private static final long serialVersionUID = 1L;

        public DeviceException(String message) {
            super(message);
        }
    }
}
