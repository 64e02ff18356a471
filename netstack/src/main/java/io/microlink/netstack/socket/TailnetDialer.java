package io.microlink.netstack.socket;

import java.io.IOException;
import java.time.Duration;

/**
 * Opens TCP connections over the tailnet by name or address; {@code TailnetNode::dial} is one.
 *
 * <pre>{@code
 * TailnetDialer dialer = node::dial;
 * try (TailnetSocket s = dialer.dial("db-server", 5432, Duration.ofSeconds(10))) { ... }
 * }</pre>
 */
@FunctionalInterface
public interface TailnetDialer {
    /**
     * Opens a TCP connection over the tailnet.
     *
     * @param port the TCP port
     * @param timeout how long to wait for the connection
     * @param host a MagicDNS name (short or FQDN) or a tailnet IP literal
     * @return the connected socket
     * @throws java.net.UnknownHostException if {@code host} is not a name of the tailnet
     * @throws java.net.ConnectException if the peer refused the connection
     * @throws java.net.SocketTimeoutException if the peer did not answer within {@code timeout}
     */
    TailnetSocket dial(String host, int port, Duration timeout) throws IOException;
}
