package io.microlink.lopower.bridge;

import io.microlink.lopower.enroll.AddressPlan;
import java.util.Arrays;

/**
 * Which destinations a device's packets may have: the tailnet's ranges and the bridge's own
 * addresses, nothing else. Not the bridge host's networks, not the internet (the bridge only
 * ever opens tailnet connections for a device, but a packet that cannot be relayed is better
 * refused here, counted, than answered by the stack), and not another device. The source was
 * checked already: WireGuard delivers only packets whose source is the sending peer's.
 */
final class Containment {
    private static final byte[] CGNAT = {100, 64, 0, 0};
    private static final byte[] TAILNET_ULA = {(byte) 0xfd, 0x7a, 0x11, 0x5c, (byte) 0xa1, (byte) 0xe0};

    private final AddressPlan plan;
    private final byte[][] bridge;
    private final BridgeCounters counters;

    Containment(AddressPlan plan, BridgeCounters counters) {
        this.plan = plan;
        this.bridge = plan.bridgeAddresses().stream().map(a -> a.getAddress()).toArray(byte[][]::new);
        this.counters = counters;
    }

    /** Whether the IP packet at {@code off} may go to the bridge's stack; counts a refusal. */
    boolean admits(byte[] buf, int off, int len) {
        byte[] dst = destination(buf, off, len);
        if (dst == null) {
            counters.add(BridgeCounters.Event.DROPPED_NOT_IP);
            return false;
        }
        for (byte[] b : bridge) {
            if (Arrays.equals(b, dst)) {
                return true;
            }
        }
        if (plan.contains(dst)) {
            counters.add(BridgeCounters.Event.DROPPED_OTHER_DEVICE);
            return false;
        }
        if (!isTailnet(dst)) {
            counters.add(BridgeCounters.Event.DROPPED_NOT_TAILNET);
            return false;
        }
        return true;
    }

    /** 100.64.0.0/10 or fd7a:115c:a1e0::/48. */
    static boolean isTailnet(byte[] a) {
        if (a.length == 4) {
            return a[0] == CGNAT[0] && (a[1] & 0xc0) == CGNAT[1];
        }
        return Arrays.equals(a, 0, TAILNET_ULA.length, TAILNET_ULA, 0, TAILNET_ULA.length);
    }

    private static byte[] destination(byte[] buf, int off, int len) {
        if (len < 1) {
            return null;
        }
        int version = (buf[off] & 0xff) >>> 4;
        if (version == 4 && len >= 20) {
            return Arrays.copyOfRange(buf, off + 16, off + 20);
        }
        if (version == 6 && len >= 40) {
            return Arrays.copyOfRange(buf, off + 24, off + 40);
        }
        return null;
    }

}
