package io.microlink.netstack.socket;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketImpl;
import javax.net.SocketFactory;

/**
 * Plain {@link java.net.Socket}s whose connections run over the tailnet, for libraries that
 * take a {@link SocketFactory} (JDBC drivers, HTTP clients, MQTT clients) and know nothing
 * of the tailnet. Host names are resolved with MagicDNS when the socket connects, so pass
 * them unresolved; a connect timeout of 0 means {@link #DEFAULT_CONNECT_TIMEOUT_MILLIS}.
 * Binding to a local address is not supported: the tailnet address is the only one.
 *
 * <pre>{@code
 * SocketFactory tailnet = node.socketFactory();
 * try (Socket s = tailnet.createSocket("db-server", 5432)) {
 *     s.setSoTimeout(5_000);
 *     s.getOutputStream().write(request);
 * }
 * // or for a library: okHttpClientBuilder.socketFactory(tailnet)
 * }</pre>
 */
public final class TailnetSocketFactory extends SocketFactory {
    /** What an infinite connect timeout becomes; Linux gives up on an unanswered SYN after about as long. */
    public static final int DEFAULT_CONNECT_TIMEOUT_MILLIS = 60_000;

    private final TailnetDialer dialer;

    /**
     * A factory whose sockets connect through {@code dialer}.
     *
     * @param dialer opens the connections, e.g. {@code node::dial}
     */
    public TailnetSocketFactory(TailnetDialer dialer) {
        this.dialer = dialer;
    }

    /** An unconnected socket; {@link Socket#connect} dials through the tailnet. */
    @Override
    public Socket createSocket() throws SocketException {
        return new TailnetJavaSocket(new TailnetSocketImpl(dialer));
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return connected(InetSocketAddress.createUnresolved(host, port));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return connected(new InetSocketAddress(host, port));
    }

    /** The local address is not chosen by the caller on the tailnet: it must be null or any-local. */
    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        refuseBind(localHost, localPort);
        return createSocket(host, port);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        refuseBind(localAddress, localPort);
        return createSocket(address, port);
    }

    private Socket connected(InetSocketAddress remote) throws IOException {
        Socket s = createSocket();
        s.connect(remote);
        return s;
    }

    private static void refuseBind(InetAddress local, int port) throws SocketException {
        if ((local != null && !local.isAnyLocalAddress()) || port != 0) {
            throw new SocketException("tailnet sockets cannot be bound to a chosen local address or port");
        }
    }

    /** Socket's constructor that takes an implementation is protected. */
    private static final class TailnetJavaSocket extends Socket {
        TailnetJavaSocket(SocketImpl impl) throws SocketException {
            super(impl);
        }
    }
}
