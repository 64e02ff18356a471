package io.microlink.host.settings;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The stable six-hex-digit suffix that turns a name prefix into a device name, as MicroLink
 * names its devices ({@code sensor} becomes {@code sensor-a1b2c3}). It is derived from the
 * machine's ID ({@code /etc/machine-id}), hashed with a MicroLink-specific label so the ID
 * itself is never revealed, so the name survives reinstalls of the software and a factory
 * reset, and differs between machines.
 *
 * <pre>{@code
 * String name = "sensor-" + DeviceName.machineSuffix();   // e.g. sensor-a1b2c3
 * }</pre>
 */
public final class DeviceName {
    private static final List<Path> MACHINE_ID_FILES = List.of(Path.of("/etc/machine-id"),
            Path.of("/var/lib/dbus/machine-id"));

    private DeviceName() {}

    /**
     * This machine's suffix: from its machine ID, or, on a system without one, from its host
     * name (stable as long as the host name is).
     */
    public static String machineSuffix() {
        for (Path p : MACHINE_ID_FILES) {
            try {
                String id = Files.readString(p, StandardCharsets.US_ASCII).strip();
                if (!id.isEmpty()) {
                    return suffixOf(id);
                }
            } catch (IOException e) {
                // Not there (containers, non-systemd systems): try the next source.
            }
        }
        try {
            return suffixOf("host:" + InetAddress.getLocalHost().getHostName());
        } catch (IOException e) {
            return suffixOf("host:" + System.getenv().getOrDefault("HOSTNAME", "unknown"));
        }
    }

    /** The suffix for a machine ID: the first three bytes of SHA-256 over a fixed label and the ID, in hex. */
    static String suffixOf(String machineId) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update("microlink device name\0".getBytes(StandardCharsets.US_ASCII));
            byte[] digest = sha.digest(machineId.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 3);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JDK has SHA-256", e);
        }
    }
}
