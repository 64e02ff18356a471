package io.microlink.netstack.relay;

import io.microlink.netstack.socket.StreamConnection;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Where a {@link RelayService} carries what its stack terminated: the host's own sockets for a
 * subnet router or an exit node ({@link OsRelayTarget}), the tailnet for the LOPOWER bridge.
 */
public interface RelayTarget {
    /**
     * Opens a TCP connection to {@code to}.
     *
     * @param to      where the relayed client meant to go
     * @param timeout how long to wait for the connection
     * @return the open connection
     * @throws IOException when it was refused, timed out or cannot be opened
     */
    StreamConnection dial(InetSocketAddress to, Duration timeout) throws IOException;

    /**
     * Opens a UDP socket that talks with {@code to} only.
     *
     * @param to      the flow's destination
     * @param replies takes each datagram's payload that comes back from {@code to} (from any
     *                other address nothing is passed on), on a thread of the target's
     * @return the flow's socket; closing it stops {@code replies}
     * @throws IOException when no socket can be opened
     */
    Datagrams openUdp(InetSocketAddress to, Consumer<byte[]> replies) throws IOException;

    /**
     * Whether {@code to} answers a ping within {@code timeout}; blocks for as long.
     *
     * @param to      the address pinged
     * @param timeout how long to wait for the answer
     * @return true when it answered
     */
    boolean ping(InetAddress to, Duration timeout);

    /**
     * Whether a host may be at {@code to}. A target that knows no host holds the address (a
     * router's own subnet, where it knows every neighbour) says false, and the relay answers a
     * new UDP flow or an echo request to it at once with ICMP host unreachable
     * ({@link io.microlink.netstack.socket.Netstack#hostUnreachable}) instead of trying; TCP
     * gets its reset from {@link #dial} failing, as before. Called on the stack's inbound
     * thread, so it must not block.
     *
     * @param to the destination
     * @return false only when no host is there; the default, true, always tries
     */
    default boolean hasHost(InetAddress to) {
        return true;
    }

    /** One UDP flow's socket towards its destination. */
    interface Datagrams extends Closeable {
        /**
         * Sends one datagram to the flow's destination.
         *
         * @param payload the datagram's payload
         * @throws IOException when it cannot be sent
         */
        void send(byte[] payload) throws IOException;

        @Override
        void close();
    }
}
