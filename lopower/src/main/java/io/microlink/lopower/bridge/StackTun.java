package io.microlink.lopower.bridge;

import io.microlink.netstack.PacketSink;
import io.microlink.netstack.socket.Netstack;
import io.microlink.wireguard.tun.TunDevice;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bridge's WireGuard server sees the device-side stack as its TUN device: what a device
 * sends is written here and, if {@link Containment} admits it, goes into the stack; what the
 * stack sends is queued here for the WireGuard sender thread, which reads it as it would read
 * a kernel TUN device. The queue is bounded in packets and in bytes (a tailnet peer may send
 * datagrams of 64 KiB): when the sender falls behind, packets are dropped and counted, and TCP
 * retransmits, as with a full device queue in a kernel.
 */
final class StackTun implements TunDevice, PacketSink {
    private static final int QUEUE_PACKETS = 4096;
    static final long QUEUE_BYTES = 8L << 20;
    private static final byte[] CLOSED = new byte[0];

    private final BlockingQueue<byte[]> toDevices = new ArrayBlockingQueue<>(QUEUE_PACKETS);
    private final AtomicLong queuedBytes = new AtomicLong();
    private final Containment containment;
    private final BridgeCounters counters;
    private volatile Netstack stack;
    private volatile boolean closed;

    StackTun(Containment containment, BridgeCounters counters) {
        this.containment = containment;
        this.counters = counters;
    }

    /** The stack packets from devices go into; set once, before the WireGuard threads start. */
    void attach(Netstack s) {
        this.stack = s;
    }

    @Override
    public String name() {
        return "lopower";
    }

    @Override
    public int read(byte[] buf, int off, int maxLen) {
        try {
            byte[] p = toDevices.take();
            return copyOut(p, buf, off, maxLen);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    @Override
    public int readIfWaiting(byte[] buf, int off, int maxLen) {
        byte[] p = toDevices.poll();
        return p == null ? 0 : copyOut(p, buf, off, maxLen);
    }

    private int copyOut(byte[] p, byte[] buf, int off, int maxLen) {
        if (p == CLOSED || closed) {
            return -1;
        }
        queuedBytes.addAndGet(-p.length);
        int n = Math.min(p.length, maxLen);
        System.arraycopy(p, 0, buf, off, n);
        return n;
    }

    /** A packet from a device, already authenticated and its source checked by WireGuard. */
    @Override
    public void write(byte[] buf, int off, int len) {
        Netstack s = stack;
        if (s != null && containment.admits(buf, off, len)) {
            s.inbound(buf, off, len, true); // WireGuard authenticated it: no TCP checksum check
        }
    }

    /** A packet from the stack to a device. */
    @Override
    public void accept(byte[] buf, int off, int len) {
        if (closed) {
            return;
        }
        if (queuedBytes.addAndGet(len) > QUEUE_BYTES || !toDevices.offer(Arrays.copyOfRange(buf, off, off + len))) {
            queuedBytes.addAndGet(-len);
            counters.add(BridgeCounters.Event.DROPPED_TO_DEVICE_QUEUE_FULL);
        }
    }

    @Override
    public void close() {
        closed = true;
        toDevices.clear();
        try {
            toDevices.offer(CLOSED, 1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
