package io.microlink.portmap;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A {@link MappingProtocol} for unit tests that answers only when the test lets it
 * ({@link #release}), so a test can change the network or close the mapper while a request is
 * in flight; it records whom it was asked and what it was told to delete.
 */
final class HeldProtocol implements MappingProtocol {
    static final InetSocketAddress EXTERNAL = new InetSocketAddress(InetAddress.ofLiteral("203.0.113.7"), 60007);
    private final PortMapProtocol kind;
    /** Counted down when a request arrives. */
    final CountDownLatch entered = new CountDownLatch(1);
    /** What a request waits for; count it down first for a protocol that answers at once. */
    final CountDownLatch release = new CountDownLatch(1);
    /** Whether a request is granted (else refused). */
    volatile boolean grants = true;
    /** Thrown by each request instead of an answer, when set. */
    volatile RuntimeException bug;
    /** How long a deletion takes (UPnP's is an HTTP exchange). */
    volatile long deleteMillis;
    final List<Inet4Address> asked = new CopyOnWriteArrayList<>();
    final BlockingQueue<Grant> deleted = new LinkedBlockingQueue<>();
    /** "map" and "delete", in the order they ended. */
    final List<String> calls = new CopyOnWriteArrayList<>();

    HeldProtocol(PortMapProtocol kind) {
        this.kind = kind;
    }

    @Override
    public PortMapProtocol kind() {
        return kind;
    }

    @Override
    public Grant map(Inet4Address gateway, int localPort) {
        asked.add(gateway);
        entered.countDown();
        try {
            release.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
        if (bug != null) {
            throw bug;
        }
        calls.add("map");
        return grants ? new Grant(kind, gateway, localPort, EXTERNAL, PortMapper.LIFETIME_SECONDS, -1, System.nanoTime())
                : null;
    }

    @Override
    public long epoch(Inet4Address gateway) {
        return -1;
    }

    @Override
    public void delete(Grant grant) {
        try {
            Thread.sleep(deleteMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        calls.add("delete");
        deleted.add(grant);
    }
}
