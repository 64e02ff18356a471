package io.microlink.netstack.socket;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketImpl;
import java.net.SocketOptions;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a {@link java.net.Socket} made by {@link TailnetSocketFactory} does underneath: connect
 * dials the tailnet, the streams are the {@link TailnetSocket}'s. {@link java.net.Socket} keeps
 * the connected/closed/shutdown state itself. Options the tailnet has no use for (no-delay,
 * buffer sizes, keep-alive) are remembered and reported back, so libraries that set them work.
 */
final class TailnetSocketImpl extends SocketImpl {
    private final TailnetDialer dialer;
    private final Map<Integer, Object> options = new ConcurrentHashMap<>();
    private volatile TailnetSocket socket;
    private volatile boolean inputShutdown;

    TailnetSocketImpl(TailnetDialer dialer) {
        this.dialer = dialer;
    }

    @Override
    protected void create(boolean stream) throws IOException {
        if (!stream) {
            throw new SocketException("tailnet sockets made by this factory are TCP only; use bindUdp for UDP");
        }
    }

    @Override
    protected void connect(String host, int port) throws IOException {
        connect(InetSocketAddress.createUnresolved(host, port), 0);
    }

    @Override
    protected void connect(InetAddress address, int port) throws IOException {
        connect(new InetSocketAddress(address, port), 0);
    }

    @Override
    protected void connect(SocketAddress to, int timeoutMillis) throws IOException {
        InetSocketAddress remote = (InetSocketAddress) to; // Socket.connect accepts nothing else
        String host = remote.isUnresolved() ? remote.getHostString() : remote.getAddress().getHostAddress();
        int millis = timeoutMillis == 0 ? TailnetSocketFactory.DEFAULT_CONNECT_TIMEOUT_MILLIS : timeoutMillis;
        TailnetSocket s = dialer.dial(host, remote.getPort(), Duration.ofMillis(millis));
        if (options.get(SO_TIMEOUT) instanceof Integer readTimeout) {
            s.setSoTimeout(readTimeout);
        }
        InetSocketAddress peer = s.getRemoteSocketAddress();
        address = peer.getAddress();
        port = peer.getPort();
        localport = s.getLocalSocketAddress().getPort();
        socket = s;
    }

    @Override
    protected void bind(InetAddress host, int port) throws IOException {
        throw new SocketException("tailnet sockets cannot be bound to a chosen local address or port");
    }

    @Override
    protected void listen(int backlog) throws IOException {
        throw new SocketException("listen on the tailnet with TailnetNode.listen");
    }

    @Override
    protected void accept(SocketImpl s) throws IOException {
        throw new SocketException("listen on the tailnet with TailnetNode.listen");
    }

    @Override
    protected InputStream getInputStream() {
        InputStream in = socket.getInputStream();
        return new InputStream() {
            @Override
            public int read() throws IOException {
                return inputShutdown ? -1 : in.read();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return inputShutdown ? -1 : in.read(b, off, len);
            }

            @Override
            public int available() throws IOException {
                return inputShutdown ? 0 : in.available();
            }
        };
    }

    @Override
    protected OutputStream getOutputStream() {
        return socket.getOutputStream();
    }

    @Override
    protected int available() throws IOException {
        TailnetSocket s = socket;
        return s == null || inputShutdown ? 0 : s.getInputStream().available();
    }

    @Override
    protected void close() {
        TailnetSocket s = socket;
        if (s != null) {
            s.close();
        }
    }

    /** Reads end at once; what the peer still sends stays unread and its window closes, so it stops. */
    @Override
    protected void shutdownInput() {
        inputShutdown = true;
    }

    @Override
    protected void shutdownOutput() {
        socket.shutdownOutput();
    }

    @Override
    protected void sendUrgentData(int data) throws IOException {
        throw new SocketException("urgent data is not supported on tailnet sockets");
    }

    @Override
    public void setOption(int optID, Object value) throws SocketException {
        if (optID == SO_TIMEOUT) {
            int millis = (Integer) value;
            TailnetSocket s = socket;
            if (s != null) {
                s.setSoTimeout(millis);
            }
        }
        options.put(optID, value);
    }

    @Override
    public Object getOption(int optID) throws SocketException {
        return switch (optID) {
            case SocketOptions.SO_BINDADDR -> socket == null ? null : socket.getLocalSocketAddress().getAddress();
            case SocketOptions.SO_TIMEOUT, SocketOptions.IP_TOS -> options.getOrDefault(optID, 0);
            case SocketOptions.TCP_NODELAY, SocketOptions.SO_KEEPALIVE, SocketOptions.SO_OOBINLINE,
                 SocketOptions.SO_REUSEADDR -> options.getOrDefault(optID, Boolean.FALSE);
            default -> options.get(optID); // Socket copes with null for the buffer sizes and linger
        };
    }
}
