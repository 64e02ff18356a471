package io.microlink.netcheck;

import io.microlink.control.wire.DerpMap;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;

/**
 * Runs a {@link NetcheckRound} on a UDP socket the caller owns exclusively for the duration:
 * requests go out, silent regions are asked once more halfway through, and the round ends
 * when every region answered or the time is up.
 *
 * <pre>{@code
 * NetcheckReport report = Netcheck.run(udpSocket, netmap.derpMap().orElseThrow(), Duration.ofSeconds(2));
 * }</pre>
 */
public final class Netcheck {
    private Netcheck() {}

    public static NetcheckReport run(DatagramSocket udp, DerpMap map, Duration timeout) throws IOException {
        NetcheckRound round = new NetcheckRound(map, new SecureRandom());
        long start = System.nanoTime();
        long secondRound = start + timeout.toNanos() / 2;
        long deadline = start + timeout.toNanos();
        boolean resent = false;
        int previousTimeout = udp.getSoTimeout();
        byte[] buf = new byte[1500];
        try {
            send(udp, round.requests(start));
            while (!round.complete() && System.nanoTime() < deadline) {
                if (!resent && System.nanoTime() >= secondRound) {
                    send(udp, round.requests(System.nanoTime()));
                    resent = true;
                }
                long wait = ((resent ? deadline : secondRound) - System.nanoTime()) / 1_000_000;
                udp.setSoTimeout((int) Math.max(1, wait));
                DatagramPacket packet = new DatagramPacket(buf, buf.length);
                try {
                    udp.receive(packet);
                    round.accept(Arrays.copyOf(buf, packet.getLength()), System.nanoTime());
                } catch (SocketTimeoutException e) {
                    // next round or deadline
                }
            }
        } finally {
            udp.setSoTimeout(previousTimeout);
        }
        return round.report(Instant.now());
    }

    private static void send(DatagramSocket udp, java.util.List<NetcheckRound.Request> requests) throws IOException {
        for (NetcheckRound.Request r : requests) {
            udp.send(new DatagramPacket(r.packet(), r.packet().length, r.target()));
        }
    }
}
