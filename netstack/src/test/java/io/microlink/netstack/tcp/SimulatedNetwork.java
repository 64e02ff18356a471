package io.microlink.netstack.tcp;

import io.microlink.netstack.Headroom;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;

/**
 * Two or more {@link TcpStack}s on one simulated link, driven by a fake clock: each segment
 * is delayed, and may be lost, duplicated or reordered (held back by extra delay), all from a
 * seeded random source so a failing run can be replayed.
 */
final class SimulatedNetwork {
    static final long MS = 1_000_000L;

    long now;
    double loss;
    double duplication;
    double reordering;
    long delayNanos = 5 * MS;
    /** Segments each stack sent, in order, for tests that look at the wire. */
    final List<Sent> sent = new ArrayList<>();

    private final SplittableRandom random;
    private final List<Node> nodes = new ArrayList<>();
    private final PriorityQueue<InFlight> inFlight = new PriorityQueue<>();
    private long order;

    record Sent(long at, byte[] src, byte[] dst, byte[] segment) {
        TcpSegment parsed() {
            TcpSegment seg = new TcpSegment();
            if (!seg.parse(src, dst, segment, 0, segment.length)) {
                throw new AssertionError("stack sent a segment that does not parse");
            }
            return seg;
        }
    }

    private record InFlight(long at, long order, Node to, byte[] src, byte[] dst, byte[] segment)
            implements Comparable<InFlight> {
        @Override
        public int compareTo(InFlight o) {
            return at != o.at ? Long.compare(at, o.at) : Long.compare(order, o.order);
        }
    }

    /** One host on the link: its stack and what its events reported. */
    final class Node {
        final byte[] ip;
        final TcpStack stack;
        final RecordingEvents events = new RecordingEvents();

        Node(byte[] ip, TcpConfig config) {
            this.ip = ip;
            this.stack = new TcpStack(config, this::send, Headroom.NONE, events, new SecureRandom());
        }

        private void send(byte[] src, byte[] dst, byte[] segment, int off, int len) {
            byte[] copy = Arrays.copyOfRange(segment, off, off + len);
            sent.add(new Sent(now, src, dst, copy));
            Node to = nodeFor(dst);
            if (to == null || random.nextDouble() < loss) {
                return;
            }
            schedule(to, src, dst, copy);
            if (random.nextDouble() < duplication) {
                schedule(to, src, dst, copy);
            }
        }
    }

    SimulatedNetwork(long seed) {
        random = new SplittableRandom(seed);
    }

    Node add(byte[] ip, TcpConfig config) {
        Node n = new Node(ip, config);
        nodes.add(n);
        return n;
    }

    /** Delivers a segment as if a host outside the simulation had sent it, and lets the stack answer. */
    void inject(Node to, byte[] src, byte[] segment) {
        inject(to, src, to.ip, segment);
    }

    /** As {@link #inject(Node, byte[], byte[])}, to {@code dst}, which need not be the node's own address. */
    void inject(Node to, byte[] src, byte[] dst, byte[] segment) {
        to.stack.onSegment(src, dst, segment, 0, segment.length, now, Arrays.equals(dst, to.ip));
        to.stack.flush(now);
    }

    private Node nodeFor(byte[] ip) {
        for (Node n : nodes) {
            if (Arrays.equals(n.ip, ip)) {
                return n;
            }
        }
        return null;
    }

    private void schedule(Node to, byte[] src, byte[] dst, byte[] segment) {
        long at = now + delayNanos;
        if (random.nextDouble() < reordering) {
            at += delayNanos + random.nextLong(delayNanos + 1);
        }
        inFlight.add(new InFlight(at, order++, to, src, dst, segment));
    }

    /** Runs events until {@code done} holds or the clock passes {@code limitNanos} from now; returns whether done. */
    boolean runUntil(BooleanSupplier done, long limitNanos) {
        long end = now + limitNanos;
        while (!done.getAsBoolean()) {
            long next = inFlight.isEmpty() ? Long.MAX_VALUE : inFlight.peek().at();
            for (Node n : nodes) {
                next = Math.min(next, n.stack.nextTimerDeadline());
            }
            if (next > end) {
                now = end;
                return false;
            }
            now = Math.max(now, next);
            // What arrives at one instant is a batch: each stack answers it after the last segment.
            while (!inFlight.isEmpty() && inFlight.peek().at() <= now) {
                InFlight p = inFlight.poll();
                p.to().stack.onSegment(p.src(), p.dst(), p.segment(), 0, p.segment().length, now);
            }
            for (Node n : nodes) {
                n.stack.flush(now);
            }
            for (Node n : nodes) {
                if (n.stack.nextTimerDeadline() <= now) {
                    n.stack.onTimer(now);
                }
            }
        }
        return true;
    }

    /** Advances the clock by {@code nanos}, running whatever falls due. */
    void advance(long nanos) {
        runUntil(() -> false, nanos);
    }
}
