package io.microlink.lopower;

import java.time.Instant;

/**
 * What an enrolled device's WireGuard peer did since the bridge started.
 *
 * @param lastHandshake its newest completed handshake, or null for none
 * @param rxBytes       bytes of WireGuard messages received from it
 * @param txBytes       bytes of WireGuard messages sent to it
 * @param online        whether it holds a session from a handshake of the last {@link #ONLINE_WITHIN_SECONDS} s
 */
public record DeviceActivity(Instant lastHandshake, long rxBytes, long txBytes, boolean online) {
    /** WireGuard's Reject-After-Time: a session older than this is dead, so its device counts as offline. */
    public static final long ONLINE_WITHIN_SECONDS = 180;

    /** A device that has not spoken to this bridge. */
    public static final DeviceActivity NONE = new DeviceActivity(null, 0, 0, false);
}
