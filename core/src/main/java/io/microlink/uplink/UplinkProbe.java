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
import java.util.Arrays;
import java.util.Comparator;
import java.util.Objects;

/**
 * One health check of an uplink, from sockets bound to its interface ({@link DeviceBinding}):
 * a STUN binding request to the first relay of the DERP map that serves STUN, and, if no
 * answer comes (UDP may be blocked where TCP is not), a TCP connect to that relay's DERP port.
 * Either one reaching the relay means the uplink carries the node's traffic; it is what
 * netcheck and the relay connection need, for about 100 bytes per check. tailscaled has no
 * such check: it follows the default route alone.
 */
final class UplinkProbe {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int STUN_PORT = 3478;
    private static final int DERP_TLS_PORT = 443;

    private UplinkProbe() {}

    /**
     * Whether {@code device} reached the relay within {@code timeout} (twice that at worst:
     * STUN, then TCP).
     *
     * @return null if it did, else why not, in a few words; never throws: the map is control's
     *         word, and a relay entry it cannot use (a port out of range, no address) is one
     *         failed check, not the end of the uplink's checker
     */
    static String check(String device, DerpMap map, Duration timeout) {
        try {
            return checkRelay(device, map, timeout);
        } catch (RuntimeException e) {
            return "unusable relay entry in the DERP map: " + e.getMessage();
        }
    }

    private static String checkRelay(String device, DerpMap map, Duration timeout) {
        DerpMap.DerpNode node = firstRelay(map);
        if (node == null) {
            return "no relay in the DERP map to check against";
        }
        String host = node.ipv4() != null && !node.ipv4().isEmpty() && !node.ipv4().equals("none")
                ? node.ipv4() : node.hostName();
        String stun = node.stunPort() < 0 ? "the relay serves no STUN" : stun(device, host,
                node.stunPort() == 0 ? STUN_PORT : node.stunPort(), timeout);
        if (stun == null) {
            return null;
        }
        String tcp = node.stunOnly() ? "STUN-only relay" : tcp(device, host,
                node.derpPort() == 0 ? DERP_TLS_PORT : node.derpPort(), timeout);
        return tcp == null ? null : stun + "; " + tcp;
    }

    private static DerpMap.DerpNode firstRelay(DerpMap map) {
        if (map == null || map.regions() == null) {
            return null;
        }
        return map.regions().values().stream().filter(r -> r.nodes() != null && !r.avoid())
                .sorted(Comparator.comparingInt(DerpMap.Region::regionId))
                .flatMap(r -> r.nodes().stream()).filter(Objects::nonNull).findFirst().orElse(null);
    }

    private static String stun(String device, String host, int port, Duration timeout) {
        byte[] txId = new byte[StunMessage.TX_ID_LENGTH];
        RANDOM.nextBytes(txId);
        byte[] request = StunMessage.bindingRequest(txId);
        InetSocketAddress target = new InetSocketAddress(host, port);
        if (target.isUnresolved()) {
            return "cannot resolve " + host;
        }
        try (DatagramSocket s = new DatagramSocket(0)) {
            DeviceBinding.bindUdp(s.getLocalPort(), device);
            s.send(new DatagramPacket(request, request.length, target));
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

    private static String tcp(String device, String host, int port, Duration timeout) {
        try (Socket s = new Socket()) {
            DeviceBinding.bindTcp(s, device);
            s.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
            return null;
        } catch (IOException e) {
            return "TCP to the relay: " + e.getMessage();
        }
    }
}
