package io.microlink.wireguard;

import io.microlink.wireguard.tun.TunDevice;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A TUN device in memory: the OS's packets are what a test queues, its writes are kept. */
public final class QueueTun implements TunDevice {
    /** Packets the "OS" sends into the device, read in order. */
    public final BlockingQueue<byte[]> fromOs = new LinkedBlockingQueue<>();
    /** Packets written to the "OS". */
    public final List<byte[]> toOs = new CopyOnWriteArrayList<>();
    private final Object queueing = new Object();
    private volatile boolean closed;

    /** Queues packets as one burst the OS wrote: a reader that wakes on the first finds the rest waiting. */
    public void queueBurst(List<byte[]> packets) {
        synchronized (queueing) {
            fromOs.addAll(packets);
        }
    }

    @Override
    public String name() {
        return "queue0";
    }

    @Override
    public int read(byte[] buf, int off, int maxLen) {
        try {
            while (!closed) {
                byte[] p = fromOs.poll(20, TimeUnit.MILLISECONDS);
                if (p != null) {
                    synchronized (queueing) {
                        // waits out a burst being queued, so that it is whole when the device asks for more
                    }
                    return copy(p, buf, off, maxLen);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return -1;
    }

    @Override
    public int readIfWaiting(byte[] buf, int off, int maxLen) {
        if (closed) {
            return -1;
        }
        byte[] p = fromOs.poll();
        return p == null ? 0 : copy(p, buf, off, maxLen);
    }

    private static int copy(byte[] p, byte[] buf, int off, int maxLen) {
        int n = Math.min(p.length, maxLen);
        System.arraycopy(p, 0, buf, off, n);
        return n;
    }

    @Override
    public void write(byte[] buf, int off, int len) {
        toOs.add(java.util.Arrays.copyOfRange(buf, off, off + len));
    }

    @Override
    public void close() {
        closed = true;
    }
}
