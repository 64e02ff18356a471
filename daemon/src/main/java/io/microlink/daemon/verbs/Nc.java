package io.microlink.daemon.verbs;

import io.microlink.TailnetNode;
import io.microlink.daemon.Daemon;
import io.microlink.daemon.api.ApiClient;
import io.microlink.daemon.api.ApiException;
import io.microlink.daemon.api.ApiProtocol;
import io.microlink.daemon.api.ApiRequest;
import io.microlink.daemon.api.Method;
import io.microlink.daemon.cli.CliException;
import io.microlink.daemon.cli.Context;
import io.microlink.daemon.cli.Options;
import io.microlink.daemon.cli.UsageException;
import io.microlink.daemon.cli.Verb;
import io.microlink.netstack.socket.TailnetSocket;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/**
 * {@code microlink nc HOST PORT}: a TCP connection through the tailnet with standard input and
 * output at this end, like {@code tailscale nc}. The daemon dials, then the API connection
 * carries the stream's bytes; each direction is half-closed when its input ends, and the
 * command ends when the far side has closed its direction.
 */
final class Nc implements Verb, Method {
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    private static final int BUFFER = 64 * 1024;

    @Override
    public String name() {
        return "nc";
    }

    @Override
    public String arguments() {
        return "HOST PORT";
    }

    @Override
    public String summary() {
        return "connect standard input and output to a TCP port of a tailnet host";
    }

    @Override
    public Options options() {
        return new Options().value("timeout", null, "DURATION", "how long connecting may take (default 30s)");
    }

    @Override
    public int run(Options.Parsed args, Context context) throws CliException, UsageException, InterruptedException {
        var hostPort = args.requirePositionals("HOST", "PORT");
        int port = parsePort(hostPort.get(1));
        Duration timeout = args.duration("timeout", DEFAULT_TIMEOUT);
        ApiClient.Stream stream = context.api().open(ApiProtocol.object().put("method", method()).put("host", hostPort.get(0))
                .put("port", port).put("timeoutMs", timeout.toMillis()));
        try (stream) {
            SocketChannel ch = stream.channel();
            Thread upload = Thread.ofVirtual().start(() -> {
                try {
                    copy(context.io().in(), Channels.newOutputStream(ch));
                    ch.shutdownOutput();
                } catch (IOException e) {
                    // The far side is gone; the download below tells the story.
                }
            });
            try {
                copy(stream.input(), context.io().out());
            } catch (IOException e) {
                throw new CliException("the connection broke: " + e.getMessage());
            } finally {
                upload.interrupt();
            }
        } catch (IOException e) {
            throw new CliException("closing the connection: " + e.getMessage());
        }
        return 0;
    }

    private static int parsePort(String text) throws UsageException {
        try {
            int port = Integer.parseInt(text);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException("PORT must be 1-65535, got '" + text + "'");
    }

    private static void copy(InputStream in, OutputStream out) throws IOException {
        byte[] buf = new byte[BUFFER];
        for (int n; (n = in.read(buf)) >= 0; ) {
            out.write(buf, 0, n);
            if (in.available() == 0) {
                out.flush();
            }
        }
        out.flush();
    }

    @Override
    public String method() {
        return "dial";
    }

    @Override
    public Reply handle(ApiRequest request, Daemon daemon) throws ApiException {
        String host = request.text("host");
        int port = request.integer("port", 0, 1, 65535);
        Duration timeout = request.timeout(DEFAULT_TIMEOUT);
        TailnetNode node = daemon.connectedNode();
        TailnetSocket socket;
        try {
            socket = node.dial(host, port, timeout);
        } catch (UnknownHostException e) {
            throw new ApiException(ApiException.UNKNOWN_PEER, "no host " + host + " in the tailnet");
        } catch (ConnectException e) {
            throw new ApiException(ApiException.FAILED, host + " refused the connection to port " + port);
        } catch (SocketTimeoutException e) {
            throw new ApiException(ApiException.TIMEOUT, host + ":" + port + " did not answer within "
                    + timeout.toMillis() + " ms");
        } catch (IOException e) {
            throw new ApiException(ApiException.FAILED, "cannot connect to " + host + ":" + port + ": " + e.getMessage());
        }
        return new Reply(ApiProtocol.object().put("remote", String.valueOf(socket.getRemoteSocketAddress())),
                client -> pipe(socket, client));
    }

    /** Copies both ways until both sides have closed their direction. */
    private static void pipe(TailnetSocket socket, SocketChannel client) throws IOException {
        try (socket) {
            Thread upstream = Thread.ofVirtual().name("microlink-nc-up").start(() -> {
                try {
                    copy(Channels.newInputStream(client), socket.getOutputStream());
                } catch (IOException e) {
                    // The client went away: the close below ends the other direction too.
                } finally {
                    socket.shutdownOutput();
                }
            });
            try {
                copy(socket.getInputStream(), Channels.newOutputStream(client));
                client.shutdownOutput();
            } finally {
                try {
                    upstream.join(Duration.ofMinutes(1).toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
