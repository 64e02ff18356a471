package io.microlink.proxy;

import io.microlink.netstack.socket.TailnetSocket;
import java.io.IOException;
import java.time.Duration;

/**
 * How a proxy opens a TCP connection into the tailnet; {@code node::dial} of a
 * {@link io.microlink.TailnetNode} is one.
 *
 * <pre>{@code
 * Socks5Proxy proxy = Socks5Proxy.start(node::dial, ProxySettings.onPort(1080));
 * }</pre>
 */
@FunctionalInterface
public interface TailnetDialer {
    /**
     * @param host a MagicDNS name (short or FQDN) or a tailnet IP literal
     * @throws java.net.UnknownHostException if {@code host} is not a name of the tailnet
     * @throws java.net.ConnectException if the peer refused the connection
     * @throws java.net.SocketTimeoutException if the peer did not answer within {@code timeout}
     */
    TailnetSocket dial(String host, int port, Duration timeout) throws IOException;
}
