package io.microlink.netstack.relay;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;

/**
 * Readies the host's own sockets before they talk to {@code to}: the node binds them to the
 * network interface its traffic leaves through now (the active uplink), so that what it opens
 * towards the internet (resolvers, the gateway's port mapping, the hosts of a subnet route) takes
 * the same way as its tunnel. {@link #DEFAULT_ROUTE} leaves them to the host's routing table.
 */
public interface SocketBinder {
    /** Binds nothing: every socket follows the host's routing table. */
    SocketBinder DEFAULT_ROUTE = new SocketBinder() {
        @Override
        public void bindTcp(Socket unconnected, InetAddress to) {
            // the routing table decides
        }

        @Override
        public void bindUdp(int localPort, InetAddress to) {
            // the routing table decides
        }
    };

    /**
     * Readies an unconnected TCP socket; it may bind it to a local port first (binding to a
     * device needs the socket's descriptor, which exists once it is bound).
     *
     * @param unconnected the socket about to connect
     * @param to          where it will connect, or null when only a proxy or the name is known
     * @throws IOException if it cannot be readied: the connect fails with it
     */
    void bindTcp(Socket unconnected, InetAddress to) throws IOException;

    /**
     * Readies this process's UDP socket bound to {@code localPort}, before its first datagram.
     *
     * @param localPort the socket's local port
     * @param to        where it will send
     * @throws IOException if it cannot be readied
     */
    void bindUdp(int localPort, InetAddress to) throws IOException;
}
