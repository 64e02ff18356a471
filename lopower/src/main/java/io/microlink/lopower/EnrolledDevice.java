package io.microlink.lopower;

import io.microlink.lopower.enroll.QrCode;
import java.net.InetAddress;
import java.time.Instant;
import java.util.List;

/**
 * A device enrolled with the bridge, with its configuration.
 *
 * @param name      the name it was enrolled by
 * @param publicKey its WireGuard public key (base64)
 * @param addresses its addresses on the device side, IPv6 first
 * @param config    its configuration in wg-quick format; holds its private key when the bridge
 *                  generated the pair, so treat it as a secret
 * @param enrolled  when it was enrolled
 */
public record EnrolledDevice(String name, String publicKey, List<InetAddress> addresses, String config,
                             Instant enrolled) {
    public EnrolledDevice {
        addresses = List.copyOf(addresses);
    }

    /** Whether the bridge generated the device's key pair (the configuration holds the private key). */
    public boolean keyGenerated() {
        return config.contains("PrivateKey = ");
    }

    /** The configuration as a QR code in Unicode half blocks, for a terminal. */
    public String qrForTerminal() {
        return QrCode.of(config).toTerminal();
    }

    /** The configuration as a QR code in a PNG image. */
    public byte[] qrPng() {
        return QrCode.of(config).toPng();
    }

    /** Never the configuration, which may hold a private key. */
    @Override
    public String toString() {
        return "EnrolledDevice[" + name + ", " + publicKey + ", " + addresses + "]";
    }
}
