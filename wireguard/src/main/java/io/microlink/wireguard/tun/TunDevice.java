package io.microlink.wireguard.tun;

import java.io.IOException;

/**
 * A device that carries IP packets between the OS and a userspace reader: what the receive
 * loops of {@code WireGuardDevice} and the tailnet node's TUN mode read and write.
 * {@link LinuxTun} is the real one; tests give the loops one of their own.
 */
public interface TunDevice extends AutoCloseable {
    /**
     * The interface's name as the kernel knows it.
     *
     * @return the name
     */
    String name();

    /**
     * Reads one packet into {@code buf}; blocks until one arrives. Returns its length, or -1 once
     * the device is closed. Only one thread may read.
     *
     * @param buf the buffer
     * @param off where the packet goes
     * @param maxLen the room there
     * @return the length, or -1
     * @throws IOException if the read fails
     */
    int read(byte[] buf, int off, int maxLen) throws IOException;

    /**
     * As {@link #read}, but returns 0 at once when no packet is waiting: for taking the rest of
     * a burst after a blocking read, so that it can be sent on as one batch.
     *
     * @param buf the buffer
     * @param off where the packet goes
     * @param maxLen the room there
     * @return the length, 0, or -1
     * @throws IOException if the read fails
     */
    int readIfWaiting(byte[] buf, int off, int maxLen) throws IOException;

    /**
     * Writes one IP packet to the system. A packet the kernel refuses is reported, not retried.
     *
     * @param buf the buffer holding the packet
     * @param off where it starts
     * @param len its length
     * @throws IOException if the device is closed or the kernel refuses the packet
     */
    void write(byte[] buf, int off, int len) throws IOException;

    /** Closes the device; a blocked reader returns -1 soon after. */
    @Override
    void close();
}
