package com.example.tailnetapp;

import io.microlink.NodeListener;
import io.microlink.NodeState;
import io.microlink.TailnetNode;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * An application that joins a tailnet with MicroLink, serves a page with the JDK's own HTTP
 * server on a tailnet port, and fetches pages of other nodes over the node's socket factory.
 *
 * <pre>
 * TS_AUTHKEY=... java -p target/tailnet-app.jar:target/lib -m com.example.tailnetapp \
 *     --login-server https://headscale.example.com --hostname app --state-dir /var/lib/app \
 *     --port 8080 --fetch http://laptop:8000/
 * </pre>
 *
 * It keeps serving until it is stopped (SIGTERM or Ctrl-C).
 */
public final class Main {
    private static final Duration JOIN_TIMEOUT = Duration.ofMinutes(2);

    private Main() {}

    /**
     * Runs the application.
     *
     * @param args the flags above
     * @throws Exception if joining, serving or a fetch fails: the application ends
     */
    public static void main(String[] args) throws Exception {
        String loginServer = null;
        String hostname = null;
        Path stateDir = null;
        int port = 8080;
        List<URI> fetches = new ArrayList<>();
        boolean understood = args.length % 2 == 0;
        for (int i = 0; understood && i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--login-server" -> loginServer = args[i + 1];
                case "--hostname" -> hostname = args[i + 1];
                case "--state-dir" -> stateDir = Path.of(args[i + 1]);
                case "--port" -> port = Integer.parseInt(args[i + 1]);
                case "--fetch" -> fetches.add(URI.create(args[i + 1]));
                default -> understood = false;
            }
        }
        if (!understood || loginServer == null || hostname == null || stateDir == null) {
            System.err.println("usage: tailnet-app --login-server URL --hostname NAME --state-dir DIR [--port N]"
                    + " [--fetch URL]...   (pre-auth key in $TS_AUTHKEY)");
            System.exit(2);
        }
        TailnetNode.Builder builder = TailnetNode.builder().controlUrl(loginServer).hostname(hostname)
                .stateDirectory(stateDir).authKey(System.getenv("TS_AUTHKEY"));
        if ("1".equals(System.getenv("MICROLINK_DEBUG_USE_DERP_HTTP"))) {
            builder.plainHttpDerpForTesting(); // a test tailnet's relay on loopback speaks plain HTTP
        }
        TailnetNode node = builder.build();
        TailnetHttpServer server = null;
        try {
            join(node);
            server = TailnetHttpServer.start(node, port, hostname);
            System.out.println("serving http://" + hostname + ":" + port + "/ on the tailnet");
            for (URI uri : fetches) {
                HttpGet.Response r = HttpGet.get(node.socketFactory(), uri);
                System.out.println("fetched " + uri + ": " + r.status() + " " + r.body().strip());
            }
            awaitStop();
        } finally {
            if (server != null) {
                server.close();
            }
            node.close();
        }
    }

    private static void join(TailnetNode node) throws IOException, InterruptedException {
        CountDownLatch connected = new CountDownLatch(1);
        node.addListener(new NodeListener() {
            @Override
            public void stateChanged(NodeState state, String detail) {
                if (state == NodeState.CONNECTED) {
                    connected.countDown();
                }
            }

            @Override
            public void loginUrl(String url) {
                System.out.println("To log in, visit: " + url);
            }
        });
        node.start();
        if (!connected.await(JOIN_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            throw new IOException("not connected to the tailnet after " + JOIN_TIMEOUT.toSeconds() + " s: "
                    + node.state() + " " + node.stateDetail());
        }
        System.out.println("joined the tailnet as " + node.tailnet().self().orElseThrow().fqdn());
    }

    /** Blocks until SIGTERM or Ctrl-C, whose shutdown hook waits (bounded) for main to close what it opened. */
    private static void awaitStop() throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Thread main = Thread.currentThread();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("stopping");
            stopped.countDown();
            try {
                main.join(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        stopped.await();
    }
}
