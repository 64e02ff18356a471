package io.microlink.host.proxy;

import io.microlink.netstack.socket.StreamConnection;
import io.microlink.netstack.socket.StreamRelay;
import io.microlink.netstack.socket.TailnetDialer;
import io.microlink.netstack.socket.TailnetSocket;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Objects;

/**
 * A SOCKS5 proxy (RFC 1928) on a local address into the tailnet, so that programs with SOCKS
 * support (curl, browsers, JDBC drivers, the JDK's own {@code socksProxyHost}) reach tailnet
 * hosts by MagicDNS name or tailnet IP without code changes. Without credentials in its settings
 * it offers only the method without authentication; with them, only username/password
 * (RFC 1929), so a client that offers nothing else is turned away. It serves CONNECT only
 * (other commands get reply 7). Names are resolved through the tailnet's
 * MagicDNS; a name outside the tailnet gets "host unreachable" unless an exit node is used (the
 * node's own DNS then resolves it, through the exit node's DNS when it offers one), and
 * an address no peer routes (no accepted subnet route, no exit node) "network unreachable".
 *
 * <pre>{@code
 * try (Socks5Proxy proxy = Socks5Proxy.start(node::dial, ProxySettings.onPort(1080))) {
 *     // curl --socks5-hostname 127.0.0.1:1080 http://laptop:8080/
 *     ...
 * }
 * }</pre>
 *
 * Reply codes: 5 (refused) when the peer resets the connection, 4 (host unreachable) for
 * names outside the tailnet and peers that do not answer within the connect timeout, 1
 * (general failure) for anything else and when {@code maxConnections} are already open.
 */
public final class Socks5Proxy implements Closeable {
    private final TailnetDialer dialer;
    private final ProxySettings settings;
    private final ProxyListener listener;

    private Socks5Proxy(TailnetDialer dialer, ProxySettings settings) throws IOException {
        this.dialer = Objects.requireNonNull(dialer, "dialer");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.listener = ProxyListener.start("socks5", settings, this::serve);
    }

    /**
     * Starts listening at once.
     *
     * @throws IOException if the local address cannot be bound (in use, say)
     */
    public static Socks5Proxy start(TailnetDialer dialer, ProxySettings settings) throws IOException {
        return new Socks5Proxy(dialer, settings);
    }

    /** The address it listens on, with the actual port when port 0 was asked for. */
    public InetSocketAddress address() {
        return listener.address();
    }

    /**
     * Clients turned away since start for want of a slot: closed unanswered (their address had
     * {@link ProxySettings#maxHandshakesPerSource()} in their handshake already, or the proxy was
     * full past its refusals) or answered with a refusal ({@code maxConnections} open).
     */
    public long refusedConnections() {
        return listener.refusedConnections();
    }

    /**
     * Clients since start whose handshake never went through: a greeting, credentials or request
     * the proxy refused, junk, a client that left, or one slower than the handshake timeout.
     */
    public long failedHandshakes() {
        return listener.failedHandshakes();
    }

    private void serve(ProxyClient c) throws IOException, InterruptedException {
        Socket client = c.socket();
        InputStream in = c.handshakeInput();
        OutputStream out = client.getOutputStream();
        ProxyCredentials credentials = settings.credentials();
        int method = credentials == null ? Socks5.NO_AUTHENTICATION : Socks5.USERNAME_PASSWORD;
        Socks5.Request request;
        try {
            boolean offered = Socks5.readGreeting(in, method);
            out.write(Socks5.methodChoice(method, offered));
            if (!offered) {
                c.refused(credentials == null ? "does not offer the method without authentication"
                        : "does not offer username/password authentication, which this proxy requires");
                return;
            }
            if (credentials != null) {
                Socks5.UsernamePassword given = Socks5.readUsernamePassword(in);
                boolean accepted = credentials.matches(given.username(), given.password());
                out.write(Socks5.usernamePasswordReply(accepted));
                if (!accepted) {
                    c.refused("gave a wrong username or password");
                    return;
                }
            }
            request = Socks5.readRequest(in);
        } catch (Socks5.ProtocolException e) {
            if (e.reply() != Socks5.CLOSE_WITHOUT_REPLY) {
                out.write(Socks5.reply(e.reply(), null));
            }
            c.refused(e.getMessage());
            return;
        }
        c.handshakeDone();
        if (request.command() != Socks5.CONNECT) {
            out.write(Socks5.reply(Socks5.COMMAND_NOT_SUPPORTED, null));
            c.refused("command " + request.command() + " is not supported, only CONNECT");
            return;
        }
        if (!c.admitted()) {
            out.write(Socks5.reply(Socks5.GENERAL_FAILURE, null)); // the listener counts and logs it
            return;
        }
        TailnetSocket remote;
        try {
            remote = dialer.dial(request.host(), request.port(), settings.connectTimeout());
        } catch (IOException | RuntimeException e) {
            DialFailure failure = DialFailure.of(e);
            out.write(Socks5.reply(replyCode(failure), null));
            c.refused(failure.describe(request.host(), request.port(), e));
            return;
        }
        try {
            out.write(Socks5.reply(Socks5.SUCCEEDED, remote.getLocalSocketAddress()));
        } catch (IOException e) {
            remote.close();
            throw e;
        }
        StreamRelay.run(StreamConnection.of(client), remote);
    }

    private static int replyCode(DialFailure failure) {
        return switch (failure) {
            case NOT_IN_TAILNET, TIMEOUT -> Socks5.HOST_UNREACHABLE;
            case NO_ROUTE -> Socks5.NETWORK_UNREACHABLE;
            case REFUSED -> Socks5.CONNECTION_REFUSED;
            case OTHER -> Socks5.GENERAL_FAILURE;
        };
    }

    /** Stops listening and closes every open connection. */
    @Override
    public void close() {
        listener.close();
    }
}
