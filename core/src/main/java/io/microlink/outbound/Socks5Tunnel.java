package io.microlink.outbound;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;

/**
 * Opens a SOCKS5 {@code CONNECT} tunnel on a socket connected to the proxy: the I/O around
 * {@link Socks5Codec}. Each reply is read to its exact length, the whole handshake within the
 * connect timeout ({@link ExchangeDeadline}), so neither a silent proxy nor one that trickles
 * its replies can hold the caller, and the tunnel's first bytes stay in the socket.
 */
final class Socks5Tunnel {
    private Socks5Tunnel() {}

    /**
     * Asks the proxy on {@code s} for a tunnel to {@code host:port}: by name for
     * {@code socks5h://}, at the address the name resolves to here for {@code socks5://}, and at
     * the address itself when {@code host} is an IP literal. (Callers
     * that go through a proxy do not resolve the name themselves, so none is taken from them.)
     */
    static void open(Socket s, OutboundProxy proxy, String host, int port, int timeoutMs)
            throws IOException {
        String target = OutboundProxy.authority(host, port);
        // An IP literal goes as an address either way: a proxy need not parse addresses in names.
        byte[] literal = NoProxy.literal(host);
        InetAddress ip = literal != null ? InetAddress.getByAddress(literal)
                : proxy.kind() == OutboundProxy.Kind.SOCKS5 ? localAddress(proxy, host) : null;
        int previous = s.getSoTimeout();
        s.setSoTimeout(timeoutMs);
        try {
            // The read timeout bounds each read, the deadline the whole handshake: a proxy that
            // trickles its replies a byte at a time cannot hold the caller either.
            ExchangeDeadline.run(s, Duration.ofMillis(timeoutMs), () -> handshake(s, proxy, host, ip, port));
        } catch (Socks5Codec.Failure e) {
            throw new ProxyException(message(proxy, target, e), 0, null);
        } catch (SocketTimeoutException e) {
            throw new ProxyException("the outbound proxy " + proxy + " did not answer SOCKS5 CONNECT " + target
                    + " within " + timeoutMs + " ms", 0, e);
        } catch (EOFException e) {
            throw new ProxyException("the outbound proxy " + proxy + " closed the connection during SOCKS5 CONNECT "
                    + target, 0, e);
        } catch (IOException e) {
            throw new ProxyException("the outbound proxy " + proxy + " failed during SOCKS5 CONNECT " + target + ": "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), 0, e);
        }
        s.setSoTimeout(previous);
    }

    /**
     * The greeting, the credentials if the proxy wants them, and CONNECT, each reply checked.
     *
     * @return the bound port the proxy reported
     */
    private static int handshake(Socket s, OutboundProxy proxy, String host, InetAddress ip, int port)
            throws IOException, Socks5Codec.Failure {
        OutputStream out = s.getOutputStream();
        InputStream in = s.getInputStream();
        out.write(Socks5Codec.greeting(proxy.hasCredentials()));
        out.flush();
        int method = Socks5Codec.chosenMethod(read(in, Socks5Codec.METHOD_REPLY_LENGTH), proxy.hasCredentials());
        if (method == Socks5Codec.USERNAME_PASSWORD) {
            out.write(Socks5Codec.authRequest(proxy.username(), proxy.password()));
            out.flush();
            Socks5Codec.authAccepted(read(in, Socks5Codec.AUTH_REPLY_LENGTH));
        }
        out.write(Socks5Codec.connectRequest(host, ip, port));
        out.flush();
        byte[] head = read(in, Socks5Codec.REPLY_HEAD_LENGTH);
        byte[] rest = read(in, Socks5Codec.replyLength(head) - head.length);
        byte[] reply = Arrays.copyOf(head, head.length + rest.length);
        System.arraycopy(rest, 0, reply, head.length, rest.length);
        return Socks5Codec.boundPort(reply);
    }

    /** Exactly {@code n} bytes: the reply lengths are known in advance, so nothing of the tunnel is taken. */
    private static byte[] read(InputStream in, int n) throws IOException {
        byte[] b = in.readNBytes(n);
        if (b.length < n) {
            throw new EOFException();
        }
        return b;
    }

    private static String message(OutboundProxy proxy, String target, Socks5Codec.Failure e) {
        String proxyName = "the outbound proxy " + proxy;
        return switch (e.why()) {
            case REFUSED -> proxyName + " refused a SOCKS5 tunnel to " + target + " (" + e.getMessage() + ")"
                    + (e.getMessage().contains("ruleset") ? ": its rules may not allow this host or port" : "");
            case CREDENTIALS -> proxyName + " " + e.getMessage() + ": " + (proxy.hasCredentials()
                    ? "check the ones in the proxy URL"
                    : "give them in the proxy URL, " + proxy.kind().scheme() + "://user:password@host:port");
            case PROTOCOL -> proxyName + " " + e.getMessage();
        };
    }

    private static InetAddress localAddress(OutboundProxy proxy, String host) throws ProxyException {
        try {
            return InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new ProxyException("cannot resolve " + host + " to ask the outbound proxy " + proxy
                    + " for it (socks5h:// lets the proxy resolve names)", 0, e);
        }
    }
}
