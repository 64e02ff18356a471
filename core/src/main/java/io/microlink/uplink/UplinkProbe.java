package io.microlink.uplink;

import io.microlink.control.wire.DerpMap;
import io.microlink.stun.StunException;
import io.microlink.stun.StunMessage;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * One health check of an uplink, from sockets bound to its interface ({@link DeviceBinding}):
 * STUN binding requests to the home region's relay and to the first relays of up to two other
 * regions at once, and, if none answers (UDP may be blocked where TCP is not), a TCP connect to
 * their DERP ports in the same order. Any relay reached means the uplink carries the node's
 * traffic: it is what netcheck and the relay connections need, and one relay that is down does
 * not make every uplink look dead. The home region goes first because it is the relay the node
 * depends on (tailscaled's health warns when the home relay is unreachable; its netcheck asks
 * every region). About 100 bytes per relay asked. tailscaled has no such check: it follows the
 * default route alone.
 */
final class UplinkProbe {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int STUN_PORT = 3478;
    private static final int DERP_TLS_PORT = 443;
    /** The home relay and two fallbacks: enough that one relay down is not an uplink down. */
    static final int MAX_RELAYS = 3;

    private UplinkProbe() {}

    /**
     * Whether {@code device} reached a relay within {@code timeout} (twice that at worst: STUN,
     * then TCP).
     *
     * @param homeRegion the home relay's region, asked first (0 or unknown: the lowest region id first)
     * @return null if it did, else why not, in a few words; never throws: the map is control's
     *         word, and a relay entry it cannot use (a port out of range, no address) is one
     *         failed check, not the end of the uplink's checker
     */
    static String check(String device, DerpMap map, int homeRegion, Duration timeout) {
        try {
            return checkRelays(device, relays(map, homeRegion), timeout);
        } catch (RuntimeException e) {
            return "unusable relay entry in the DERP map: " + e.getMessage();
        }
    }

    /**
     * The relays a check asks, in order: the first node of the home region, then the first of
     * each other region by id, {@link #MAX_RELAYS} at most; regions control asks to avoid are
     * left out unless home.
     */
    static List<DerpMap.DerpNode> relays(DerpMap map, int homeRegion) {
        if (map == null || map.regions() == null) {
            return List.of();
        }
        return map.regions().values().stream()
                .filter(r -> r != null && r.nodes() != null && (r.regionId() == homeRegion || !r.avoid()))
                .sorted(Comparator.comparing((DerpMap.Region r) -> r.regionId() != homeRegion)
                        .thenComparingInt(DerpMap.Region::regionId))
                .map(r -> r.nodes().stream().filter(Objects::nonNull).findFirst().orElse(null))
                .filter(Objects::nonNull).limit(MAX_RELAYS).toList();
    }

    private static String checkRelays(String device, List<DerpMap.DerpNode> relays, Duration timeout) {
        if (relays.isEmpty()) {
            return "no relay in the DERP map to check against";
        }
        List<InetSocketAddress> stunTargets = new ArrayList<>();
        for (DerpMap.DerpNode n : relays) {
            if (n.stunPort() >= 0) {
                stunTargets.add(new InetSocketAddress(host(n), n.stunPort() == 0 ? STUN_PORT : n.stunPort()));
            }
        }
        String stun = stunTargets.isEmpty() ? "no relay serves STUN" : stun(device, stunTargets, timeout);
        if (stun == null) {
            return null;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        String tcp = "STUN-only relays";
        for (DerpMap.DerpNode n : relays) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (n.stunOnly() || left <= 0) {
                continue;
            }
            String failed = tcp(device, host(n), n.derpPort() == 0 ? DERP_TLS_PORT : n.derpPort(), (int) left);
            if (failed == null) {
                return null;
            }
            tcp = failed;
        }
        return stun + "; " + tcp;
    }

    private static String host(DerpMap.DerpNode node) {
        return node.ipv4() != null && !node.ipv4().isEmpty() && !node.ipv4().equals("none")
                ? node.ipv4() : node.hostName();
    }

    /** One request to each target from one socket; any answer with our transaction ID is good. */
    private static String stun(String device, List<InetSocketAddress> targets, Duration timeout) {
        byte[] txId = new byte[StunMessage.TX_ID_LENGTH];
        RANDOM.nextBytes(txId);
        byte[] request = StunMessage.bindingRequest(txId);
        try (DatagramSocket s = new DatagramSocket(0)) {
            DeviceBinding.bindUdp(s.getLocalPort(), device);
            int sent = 0;
            for (InetSocketAddress target : targets) {
                if (!target.isUnresolved()) {
                    s.send(new DatagramPacket(request, request.length, target));
                    sent++;
                }
            }
            if (sent == 0) {
                return "cannot resolve " + targets.getFirst().getHostString();
            }
            long deadline = System.nanoTime() + timeout.toNanos();
            byte[] buf = new byte[1500];
            while (true) {
                int left = (int) ((deadline - System.nanoTime()) / 1_000_000);
                if (left <= 0) {
                    return "no STUN answer within " + timeout.toMillis() + " ms";
                }
                s.setSoTimeout(left);
                DatagramPacket in = new DatagramPacket(buf, buf.length);
                s.receive(in);
                if (answers(Arrays.copyOf(buf, in.getLength()), txId)) {
                    return null;
                }
            }
        } catch (SocketTimeoutException e) {
            return "no STUN answer within " + timeout.toMillis() + " ms";
        } catch (IOException e) {
            return "STUN: " + e.getMessage();
        }
    }

    private static boolean answers(byte[] packet, byte[] txId) {
        try {
            return StunMessage.looksLikeStun(packet) && Arrays.equals(StunMessage.parseResponse(packet).txId(), txId);
        } catch (StunException | RuntimeException e) {
            return false; // not an answer to this check: keep waiting
        }
    }

    private static String tcp(String device, String host, int port, int timeoutMs) {
        try (Socket s = new Socket()) {
            DeviceBinding.bindTcp(s, device);
            s.connect(new InetSocketAddress(host, port), timeoutMs);
            return null;
        } catch (IOException e) {
            return "TCP to the relay: " + e.getMessage();
        }
    }
}
