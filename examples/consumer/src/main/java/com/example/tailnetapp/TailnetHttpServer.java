package com.example.tailnetapp;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.microlink.TailnetNode;
import io.microlink.WhoIs;
import io.microlink.netstack.socket.TailnetServerSocket;
import io.microlink.netstack.socket.TailnetSocket;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;

/**
 * The JDK's {@link HttpServer} serving a tailnet port. The JDK server binds a socket of its own,
 * so it listens on 127.0.0.1 and every connection the node accepts on the tailnet port is piped
 * to it (as {@code microlink serve} does). The pipe remembers who called, by the local port of
 * its connection, so a handler can name the caller's tailnet user.
 */
final class TailnetHttpServer implements AutoCloseable {
    private final TailnetNode node;
    private final HttpServer http;
    private final TailnetServerSocket listener;
    /** The caller of each piped connection, by the port the pipe's local socket has. */
    private final Map<Integer, WhoIs> callers = new ConcurrentHashMap<>();

    private TailnetHttpServer(TailnetNode node, HttpServer http, TailnetServerSocket listener) {
        this.node = node;
        this.http = http;
        this.listener = listener;
    }

    static TailnetHttpServer start(TailnetNode node, int port, String name) throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        TailnetHttpServer server = new TailnetHttpServer(node, http, node.listen(port));
        http.createContext("/", exchange -> server.hello(exchange, name));
        http.start();
        Thread.ofVirtual().name("tailnet-http-accept").start(server::acceptLoop);
        return server;
    }

    private void hello(HttpExchange exchange, String name) throws IOException {
        String caller = Optional.ofNullable(callers.get(exchange.getRemoteAddress().getPort()))
                .map(w -> w.shortName() + " (" + w.loginName() + ")").orElse("someone");
        byte[] body = ("hello from " + name + " to " + caller + "\n").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private void acceptLoop() {
        while (true) {
            TailnetSocket caller;
            try {
                caller = listener.accept();
            } catch (IOException e) {
                return; // closed
            }
            Thread.ofVirtual().start(() -> pipe(caller));
        }
    }

    private void pipe(TailnetSocket caller) {
        try (caller; Socket local = new Socket(InetAddress.getLoopbackAddress(), http.getAddress().getPort())) {
            int key = local.getLocalPort();
            node.whois(caller.getRemoteSocketAddress().getAddress()).ifPresent(w -> callers.put(key, w));
            try {
                Thread toServer = Thread.ofVirtual().start(() -> copy(caller, local));
                local.getInputStream().transferTo(caller.getOutputStream());
                caller.shutdownOutput();
                toServer.join();
            } finally {
                callers.remove(key);
            }
        } catch (IOException | InterruptedException e) {
            // The caller or the server went away: nothing to tell either.
        }
    }

    private static void copy(TailnetSocket from, Socket to) {
        try (InputStream in = from.getInputStream()) {
            in.transferTo(to.getOutputStream());
            to.shutdownOutput();
        } catch (IOException e) {
            // As above.
        }
    }

    @Override
    public void close() {
        listener.close();
        http.stop(0);
    }
}
