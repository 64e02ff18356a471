package io.microlink.netstack.socket;

import io.microlink.netstack.icmp.IcmpEcho;
import io.microlink.netstack.ip.IpPacketBuilder;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * ICMP and ICMPv6 echo requests the application sends, matched with their replies. One
 * identifier per stack and a sequence number per request, as {@code ping} does, so replies
 * are told apart without any per-destination state; the sender must also match, so a third
 * host cannot answer for the pinged one.
 */
final class IcmpPinger {
    /** Requests awaiting a reply at most; more means the application leaks pings that never time out. */
    static final int MAX_OUTSTANDING = 1024;

    private record Outstanding(byte[] peer, long sentNanos, CompletableFuture<Duration> reply) {}

    private final int identifier;
    private final AtomicInteger sequence = new AtomicInteger();
    private final Map<Integer, Outstanding> outstanding = new ConcurrentHashMap<>();

    IcmpPinger(int identifier) {
        this.identifier = identifier & 0xffff;
    }

    /**
     * Sends one echo request through {@code output} and waits for its reply.
     *
     * @return the round-trip time
     * @throws TimeoutException when no reply came within {@code timeout}
     */
    Duration ping(IpPacketBuilder ip, byte[] source, InetAddress peer, byte[] data, Duration timeout,
                  Consumer<byte[]> output) throws IOException, TimeoutException {
        if (outstanding.size() >= MAX_OUTSTANDING) {
            throw new IOException("too many pings awaiting replies (" + MAX_OUTSTANDING + ")");
        }
        int seq = sequence.getAndIncrement() & 0xffff;
        byte[] destination = peer.getAddress();
        var entry = new Outstanding(destination, System.nanoTime(), new CompletableFuture<>());
        outstanding.put(seq, entry);
        try {
            output.accept(IcmpEcho.packet(ip, source, destination, false, identifier, seq, data, 0, data.length));
            return entry.reply().get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new TimeoutException("no ICMP echo reply from " + peer.getHostAddress() + " within "
                    + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while pinging " + peer.getHostAddress());
        } catch (ExecutionException e) {
            throw new IllegalStateException("ping futures are only ever completed normally", e);
        } finally {
            outstanding.remove(seq, entry);
        }
    }

    /** An echo reply addressed to this node: completes the matching request, if any. */
    void onReply(byte[] sender, IcmpEcho reply) {
        if (reply.identifier() != identifier) {
            return;
        }
        Outstanding entry = outstanding.get(reply.sequence());
        if (entry != null && Arrays.equals(entry.peer(), sender)) {
            entry.reply().complete(Duration.ofNanos(System.nanoTime() - entry.sentNanos()));
        }
    }
}
