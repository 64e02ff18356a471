package io.microlink.lopower.bridge;

import io.microlink.netstack.socket.TailnetDatagramSocket;
import io.microlink.netstack.socket.TailnetServerSocket;
import io.microlink.netstack.socket.TailnetSocket;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;

/**
 * The tailnet side of the bridge: where the devices' connections and datagrams go on. In a
 * running bridge it is the bridge's {@code TailnetNode}; tests give it a stack of their own.
 */
public interface Uplink {
    /** Opens a TCP connection to a tailnet address, waiting at most {@code timeout}. */
    TailnetSocket dial(InetAddress address, int port, Duration timeout) throws IOException;

    /** Binds a UDP socket on {@code port} (0: an ephemeral one) of the bridge's tailnet addresses. */
    TailnetDatagramSocket bindUdp(int port) throws IOException;

    /**
     * Pings a tailnet address with ICMP echo and waits for the reply.
     *
     * @throws java.util.concurrent.TimeoutException when none came within {@code timeout}
     */
    Duration icmpPing(InetAddress address, Duration timeout) throws IOException,
            java.util.concurrent.TimeoutException;

    /** Listens for TCP on {@code port} of the bridge's tailnet addresses. */
    TailnetServerSocket listen(int port) throws IOException;
}
