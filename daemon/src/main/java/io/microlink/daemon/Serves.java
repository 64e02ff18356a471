package io.microlink.daemon;

import io.microlink.TailnetNode;
import io.microlink.WhoIs;
import io.microlink.host.serve.TcpForwarder;
import io.microlink.host.settings.NodeSettings;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The daemon's served ports (setting {@code serve}): a {@link TcpForwarder} per tailnet port to
 * its 127.0.0.1 port while the node runs in userspace mode, and who calls on each forwarded
 * connection. In TUN mode the OS owns the tailnet addresses: a server listening on them is
 * reachable directly, so nothing is forwarded.
 */
public final class Serves implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("io.microlink.daemon");

    /**
     * One served port, for {@code status} and {@code serve status}.
     *
     * @param tailnetPort the port on the node's tailnet addresses
     * @param localPort   the 127.0.0.1 port connections go to
     * @param active      whether connections are forwarded now
     * @param connections forwarded connections open now
     * @param problem     why the port is not forwarded; null when it is
     */
    public record Served(int tailnetPort, int localPort, boolean active, int connections, String problem) {}

    private record Forward(int localPort, TcpForwarder forwarder) {}

    private final Map<Integer, Forward> active = new HashMap<>();
    /** The settings' ports and, for those not forwarded, why not. */
    private Map<Integer, Integer> wanted = Map.of();
    private final Map<Integer, String> problems = new HashMap<>();
    private TailnetNode node;

    /**
     * Forwards exactly the {@code wanted} ports (tailnet port to local port) through {@code next},
     * null when the node is down. Forwarders whose node or local port changed are replaced. A port
     * going to one of {@code reservedLocal} (the local web page's and the proxies' ports, by the
     * setting that holds them) is never forwarded, whatever the settings say.
     */
    synchronized void apply(TailnetNode next, Map<Integer, Integer> ports, Map<Integer, NodeSettings.Field> reservedLocal) {
        if (next != node) {
            stopAll();
            node = next;
            if (next != null && next.tunInterface().isPresent() && !ports.isEmpty()) {
                LOG.log(Level.INFO, "TUN mode: served ports are not forwarded; a server listening on the tailnet"
                        + " address is reachable directly, and `microlink whois IP` names its callers");
            }
        }
        wanted = ports;
        problems.clear();
        active.entrySet().removeIf(e -> {
            boolean gone = !Objects.equals(e.getValue().localPort, ports.get(e.getKey()))
                    || reservedLocal.containsKey(e.getValue().localPort);
            if (gone) {
                e.getValue().forwarder.close();
            }
            return gone;
        });
        ports.forEach((tailnetPort, localPort) -> {
            if (active.containsKey(tailnetPort)) {
                return;
            }
            NodeSettings.Field holder = reservedLocal.get(localPort);
            if (holder != null) {
                problems.put(tailnetPort, "not forwarded: " + NodeSettings.reservedLocalPortProblem(localPort, holder));
                LOG.log(Level.WARNING, "serve: tailnet port {0} {1}", String.valueOf(tailnetPort),
                        problems.get(tailnetPort));
            } else if (next == null) {
                problems.put(tailnetPort, "not forwarded while microlink is down");
            } else if (next.tunInterface().isPresent()) {
                problems.put(tailnetPort, "not forwarded in TUN mode: listen on the tailnet address instead");
            } else {
                start(next, tailnetPort, localPort);
            }
        });
    }

    private void start(TailnetNode n, int tailnetPort, int localPort) {
        try {
            active.put(tailnetPort, new Forward(localPort, TcpForwarder.start(n, tailnetPort, localPort)));
        } catch (BindException e) {
            problems.put(tailnetPort, "tailnet port " + tailnetPort + " is already in use on this node");
        } catch (IOException | RuntimeException e) {
            problems.put(tailnetPort, "cannot listen on tailnet port " + tailnetPort + ": " + e.getMessage());
        }
        if (problems.containsKey(tailnetPort)) {
            LOG.log(Level.WARNING, "serve: {0}", problems.get(tailnetPort));
        }
    }

    /** Why {@code tailnetPort} is not forwarded, or null when it is (or is not asked for). */
    synchronized String problem(int tailnetPort) {
        return problems.get(tailnetPort);
    }

    /**
     * The tailnet node and user behind a forwarded connection, given the address the local server
     * sees it come from ({@code 127.0.0.1:<port>}), and the tailnet port it came in on.
     */
    synchronized Optional<Map.Entry<Integer, WhoIs>> callerOf(InetSocketAddress localSide) {
        for (Map.Entry<Integer, Forward> e : active.entrySet()) {
            Optional<WhoIs> who = e.getValue().forwarder.callerOf(localSide);
            if (who.isPresent()) {
                return Optional.of(Map.entry(e.getKey(), who.get()));
            }
        }
        return Optional.empty();
    }

    synchronized List<Served> state() {
        List<Served> out = new ArrayList<>();
        wanted.forEach((tailnetPort, localPort) -> {
            Forward f = active.get(tailnetPort);
            out.add(new Served(tailnetPort, localPort, f != null, f == null ? 0 : f.forwarder.openConnections(),
                    problems.get(tailnetPort)));
        });
        return out;
    }

    private void stopAll() {
        active.values().forEach(f -> f.forwarder.close());
        active.clear();
    }

    @Override
    public synchronized void close() {
        stopAll();
        node = null;
        wanted = Map.of();
        problems.clear();
    }
}
