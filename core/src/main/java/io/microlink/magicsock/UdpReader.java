package io.microlink.magicsock;

import io.microlink.disco.DiscoPacket;
import io.microlink.netstack.DroppedInput;
import io.microlink.stun.StunMessage;
import io.microlink.wireguard.udp.ReceivedDatagrams;
import io.microlink.wireguard.udp.UdpBatchSocket;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.function.BooleanSupplier;

/**
 * Reads the one UDP socket that STUN, DISCO and WireGuard share, and tells them apart by their
 * first bytes as tailscale does: STUN, then DISCO's magic, and everything else is WireGuard's.
 * Datagrams come in batches, as they arrived together; each batch ends with
 * {@link Receiver#endOfBatch}, so it is answered at once (one ACK for a run of TCP segments,
 * say). A datagram whose handling throws is dropped and counted: one hostile packet must not
 * end the loop, and with it every direct path.
 */
final class UdpReader implements Runnable {
    private static final System.Logger LOG = System.getLogger("io.microlink.magicsock");

    /** Where the datagrams go, on the reader's thread. */
    interface Receiver {
        /** A STUN packet, copied. */
        void stun(byte[] packet);

        /** A DISCO packet, copied. */
        void disco(byte[] packet, InetSocketAddress from);

        /** Anything else; decrypted in place, so the bytes are the receiver's only during the call. */
        void wireGuard(byte[] buf, int off, int len, InetSocketAddress from);

        /** The datagrams since the last call arrived together. */
        void endOfBatch();
    }

    private final UdpBatchSocket udp;
    private final Receiver receiver;
    private final BooleanSupplier running;
    private final DroppedInput drops = new DroppedInput(LOG, "UDP datagram");

    UdpReader(UdpBatchSocket udp, Receiver receiver, BooleanSupplier running) {
        this.udp = udp;
        this.receiver = receiver;
        this.running = running;
    }

    @Override
    public void run() {
        while (running.getAsBoolean()) {
            ReceivedDatagrams in;
            try {
                in = udp.receive();
            } catch (IOException e) {
                if (running.getAsBoolean()) {
                    LOG.log(Level.WARNING, "UDP receive failed", e);
                }
                return;
            }
            if (in == null) {
                return; // closing the socket ends the loop this way
            }
            for (int i = 0; i < in.count(); i++) {
                datagram(in.buffer(), in.offset(i), in.length(i), in.source(i));
            }
            try {
                receiver.endOfBatch(); // where the batch is answered: TCP's ACKs, data it lets out
            } catch (RuntimeException e) {
                drops.record(e, System.nanoTime());
            }
        }
    }

    void datagram(byte[] buf, int off, int len, InetSocketAddress from) {
        try {
            if (StunMessage.looksLikeStun(buf, off, len)) {
                receiver.stun(Arrays.copyOfRange(buf, off, off + len));
            } else if (DiscoPacket.looksLikeDisco(buf, off, len)) {
                receiver.disco(Arrays.copyOfRange(buf, off, off + len), from);
            } else {
                receiver.wireGuard(buf, off, len, from);
            }
        } catch (RuntimeException e) {
            drops.record(e, System.nanoTime());
        }
    }

    /** Datagrams dropped since start because handling them threw. */
    long dropped() {
        return drops.total();
    }
}
