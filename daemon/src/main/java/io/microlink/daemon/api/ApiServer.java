package io.microlink.daemon.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.microlink.daemon.Daemon;
import io.microlink.netstack.DroppedInput;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;

/**
 * The daemon's local API: a Unix-domain socket, owner-only (mode 0600, in a directory only
 * the owner can enter, so no one else can connect even in the instant between bind and
 * chmod), one virtual thread per connection, at most {@value #MAX_CONNECTIONS} at once.
 * A connection that fails in a way nobody foresaw is dropped, counted and logged
 * (rate-limited), and the socket goes on serving. The wire format is {@link ApiProtocol}'s.
 */
public final class ApiServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("io.microlink.daemon.api");
    static final int MAX_CONNECTIONS = 64;
    private static final Set<PosixFilePermission> OTHERS = Set.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private static final Duration ACCEPT_RETRY = Duration.ofMillis(50);

    private final Path socket;
    private final ServerSocketChannel server;
    private final Map<String, Method> methods;
    private final Daemon daemon;
    private final Executor clients;
    private final Semaphore slots = new Semaphore(MAX_CONNECTIONS);
    private final DroppedInput failed = new DroppedInput(LOG, "API connection");
    private final Thread acceptor;

    private ApiServer(Path socket, ServerSocketChannel server, Map<String, Method> methods, Daemon daemon,
                      Executor clients) {
        this.socket = socket;
        this.server = server;
        this.methods = Map.copyOf(methods);
        this.daemon = daemon;
        this.clients = clients;
        this.acceptor = Thread.ofVirtual().name("microlink-api").start(this::acceptLoop);
    }

    /**
     * Listens on {@code socket}, replacing a stale socket file (the caller holds the state
     * directory's lock, so no live daemon owns it).
     *
     * @throws IOException with a one-line reason when the directory is open to others or the path is unusable
     */
    public static ApiServer start(Path socket, Map<String, Method> methods, Daemon daemon) throws IOException {
        return start(socket, methods, daemon, task -> Thread.ofVirtual().name("microlink-api-client").start(task));
    }

    /** As above, running each connection on {@code clients} (tests hand in one that fails). */
    static ApiServer start(Path socket, Map<String, Method> methods, Daemon daemon, Executor clients)
            throws IOException {
        Path dir = socket.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) {
            throw new IOException("the socket's directory " + dir + " does not exist");
        }
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(dir);
        if (perms.stream().anyMatch(OTHERS::contains)) {
            throw new IOException("the socket's directory " + dir + " is open to other users (mode "
                    + PosixFilePermissions.toString(perms) + "); use a directory only its owner can enter (chmod 700)");
        }
        Files.deleteIfExists(socket);
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(UnixDomainSocketAddress.of(socket));
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
        } catch (SocketException e) {
            server.close();
            throw new IOException("cannot listen on " + socket + ": " + e.getMessage()
                    + (socket.toString().length() > 100 ? " (Unix socket paths must be shorter than 108 bytes)" : ""));
        }
        return new ApiServer(socket, server, methods, daemon, clients);
    }

    public Path socket() {
        return socket;
    }

    /** Connections dropped since start because serving them failed unexpectedly. */
    public long failedConnections() {
        return failed.total();
    }

    private void acceptLoop() {
        while (server.isOpen()) {
            SocketChannel client = null;
            try {
                slots.acquire();
                client = server.accept();
                SocketChannel accepted = client;
                clients.execute(() -> {
                    try (accepted) {
                        serve(accepted);
                    } catch (IOException e) {
                        LOG.log(Level.DEBUG, "API connection ended: {0}", e.getMessage());
                    } catch (RuntimeException e) {
                        failed.record(e);
                    } finally {
                        slots.release();
                    }
                });
            } catch (ClosedChannelException | InterruptedException e) {
                return;
            } catch (IOException e) {
                slots.release();
                LOG.log(Level.WARNING, "API socket accept failed: {0}", e.getMessage());
            } catch (RuntimeException e) {
                // Nothing runs the connection: close it and give its slot back.
                slots.release();
                failed.record(e);
                closeQuietly(client);
                pause();
            }
        }
    }

    private static void closeQuietly(SocketChannel client) {
        if (client == null) {
            return;
        }
        try {
            client.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "closing an API connection: {0}", e.getMessage());
        }
    }

    /** A socket that fails at once, again and again, must not spin this thread. */
    private static void pause() {
        try {
            Thread.sleep(ACCEPT_RETRY);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void serve(SocketChannel client) throws IOException {
        InputStream in = Channels.newInputStream(client);
        OutputStream out = Channels.newOutputStream(client);
        JsonNode request;
        try {
            request = ApiProtocol.readLine(in);
        } catch (IOException e) {
            ApiProtocol.writeLine(out, error(ApiException.BAD_REQUEST, "unreadable request: " + e.getMessage()));
            return;
        }
        if (request == null) {
            return;
        }
        Method.Reply reply;
        try {
            String name = request.path("method").asText();
            Method m = methods.get(name);
            if (m == null) {
                throw new ApiException(ApiException.UNKNOWN_METHOD, "the daemon has no method '" + name
                        + "' (is the CLI newer than the daemon?)");
            }
            reply = m.handle(new ApiRequest(name, request), daemon);
        } catch (ApiException e) {
            ApiProtocol.writeLine(out, error(e.code(), e.getMessage()));
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "API method failed", e);
            ApiProtocol.writeLine(out, error(ApiException.FAILED, "internal error in the daemon: " + e));
            return;
        }
        ObjectNode ok = ApiProtocol.object().put("ok", true);
        ok.set("result", reply.result());
        ApiProtocol.writeLine(out, ok);
        if (reply.pipe() != null) {
            reply.pipe().run(client);
        }
    }

    private static ObjectNode error(String code, String message) {
        return ApiProtocol.object().put("ok", false).put("code", code).put("error", message);
    }

    /** Stops listening and removes the socket file; connections in progress finish on their own. */
    @Override
    public void close() {
        try {
            server.close();
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "closing the API socket: {0}", e.getMessage());
        }
        acceptor.interrupt();
    }
}
