package io.microlink.interop.nat;

import io.microlink.interop.Await;
import io.microlink.interop.NatTopology;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The pair grid of issue 16: in one topology, a Java node and a tailscaled beside a
 * tailscaled pair, each pinging a fresh peer, so every Java cell has a reference cell from
 * the same run. Direct means the pong came from where the peer's network really is: its
 * outermost router's public address across sites, its LAN address on the same LAN.
 */
public final class NatPairGrid {
    private final Duration budget;
    private final PrintStream log;

    /** How a path starts: a {@code ping} of the CLI's, or data (a TCP connection) with no ping at all. */
    public enum Start {
        PING("Java pings", "tailscaled pings Java"), DATA("Java sends data", "tailscaled sends Java data");

        private final String javaFirst;
        private final String tailscaledFirst;

        Start(String javaFirst, String tailscaledFirst) {
            this.javaFirst = javaFirst;
            this.tailscaledFirst = tailscaledFirst;
        }
    }

    /**
     * @param budget how long each ping command may keep trying for a direct pong
     * @param log    where progress goes (the nodes' log tails on a failure)
     */
    public NatPairGrid(Duration budget, PrintStream log) {
        this.budget = budget;
        this.log = log;
    }

    /**
     * One cell: who pinged whom, what the reference pair found and what the Java pair found.
     *
     * @param topology   e.g. {@code easy ↔ double}
     * @param javaRole   e.g. {@code Java pings} or {@code tailscaled sends data}, to the Java node
     * @param reference  a tailscaled pinging a tailscaled in the same places, from the same side
     * @param java       the pair with the Java node
     * @param sinceUp    for a ping from a node that had just logged in: how long its {@code up}
     *                   took; the ping's own time is {@code reference.elapsed()}; null otherwise
     * @param javaSinceUp the same for the Java node
     * @param referenceExpected where the reference's direct pong must come from (an address, no port)
     * @param expected   where the Java pair's direct pong must come from
     */
    public record Cell(String topology, String javaRole, NatLab.Probe reference, NatLab.Probe java,
                       Duration sinceUp, Duration javaSinceUp, String referenceExpected, String expected) {
        /** Whether a direct Java pong came from the expected address, not from loopback or elsewhere. */
        public boolean javaDirectAsExpected() {
            return java.direct() && java.viaAddress().equals(expected);
        }

        public boolean referenceDirectAsExpected() {
            return reference.direct() && reference.viaAddress().equals(referenceExpected);
        }

        /** The rule of the issue: the Java node goes direct wherever tailscaled does, and is answered wherever it is. */
        public boolean javaAtLeastAsGood() {
            return (!referenceDirectAsExpected() || javaDirectAsExpected()) && (!reference.answered() || java.answered());
        }
    }

    /**
     * Two sites, A and B, each a LAN behind its own NAT(s), a tailscaled and a Java node on
     * each. B's nodes log in first; then A's tailscaled and A's Java node each log in and
     * ping B's tailscaled (so the time from {@code up} to the first direct pong is measured
     * through two NATs), and A's tailscaled pings B's Java node.
     */
    public List<Cell> across(NatSite a, NatSite b) {
        return across(a, b, Start.PING);
    }

    /** As {@link #across(NatSite, NatSite)}, with each path started the way {@code start} says. */
    public List<Cell> across(NatSite a, NatSite b, Start start) {
        String topology = a.label() + " ↔ " + b.label();
        try (NatLab lab = new NatLab()) {
            NatTopology.Router ra = a.build(lab, "a");
            NatTopology.Router rb = b.build(lab, "b");
            NatLab.Node tsB = lab.tailscaled("tsb", rb), mlB = lab.java("mlb", rb);
            NatLab.Node tsA = lab.tailscaled("tsa", ra), mlA = lab.java("mla", ra);
            try {
                tsB.up();
                mlB.up();
                Timed ref = upAndProbe(tsA, tsB, start);
                Timed java = upAndProbe(mlA, tsB, start);
                NatLab.Probe tsToJava = await(tsA, mlB, start);
                String bPublic = rb.publicAddress();
                List<Cell> cells = List.of(
                        new Cell(topology, start.javaFirst, ref.probe, java.probe, ref.sinceUp, java.sinceUp,
                                bPublic, bPublic),
                        new Cell(topology, start.tailscaledFirst, ref.probe, tsToJava, null, null,
                                bPublic, bPublic));
                report(cells, List.of(tsA, mlA, tsB, mlB));
                return cells;
            } catch (RuntimeException e) {
                dumpLogs(List.of(tsA, mlA, tsB, mlB));
                throw e;
            }
        }
    }

    /**
     * Three hosts behind one router ({@code site}): two tailscaled and a Java node. A direct
     * pong must come from the peer's LAN address.
     */
    public List<Cell> sameLan(NatSite site) {
        String topology = "same LAN (" + site.label() + ")";
        try (NatLab lab = new NatLab()) {
            NatTopology.Router r = site.build(lab, "a");
            NatLab.Node ts1 = lab.tailscaled("ts1", r), ts2 = lab.tailscaled("ts2", r), ml = lab.java("ml1", r);
            try {
                ts1.up();
                Timed ref = upAndProbe(ts2, ts1, Start.PING);
                Timed java = upAndProbe(ml, ts1, Start.PING);
                NatLab.Probe tsToJava = await(ts2, ml, Start.PING);
                List<Cell> cells = List.of(
                        new Cell(topology, Start.PING.javaFirst, ref.probe, java.probe, ref.sinceUp, java.sinceUp,
                                ts1.host().address(), ts1.host().address()),
                        new Cell(topology, Start.PING.tailscaledFirst, ref.probe, tsToJava, null, null,
                                ts1.host().address(), ml.host().address()));
                report(cells, List.of(ts1, ts2, ml));
                return cells;
            } catch (RuntimeException e) {
                dumpLogs(List.of(ts1, ts2, ml));
                throw e;
            }
        }
    }

    private record Timed(NatLab.Probe probe, Duration sinceUp) {}

    /**
     * {@code node} logs in, then pings {@code peer} as soon as it knows it. The probe's elapsed
     * time then runs from the start of the first ping command, and sinceUp is the {@code up}.
     */
    private Timed upAndProbe(NatLab.Node node, NatLab.Node peer, Start how) {
        long start = System.nanoTime();
        node.up();
        Duration up = Duration.ofNanos(System.nanoTime() - start);
        return new Timed(await(node, peer, how), up);
    }

    private NatLab.Probe await(NatLab.Node node, NatLab.Node peer, Start how) {
        return how == Start.PING ? await(node, peer) : dataUntilDirect(node, peer);
    }

    /**
     * Once {@code node} knows {@code peer}, sends it data and watches {@code node}'s own status
     * for a direct path, for the budget; the probe's time runs from the first look at the netmap.
     * No direct path by then counts as DERP (the data went somewhere: both nodes are online).
     */
    private NatLab.Probe dataUntilDirect(NatLab.Node node, NatLab.Node peer) {
        long start = System.nanoTime();
        Await.until(Duration.ofSeconds(60), node + " to see " + peer, () -> node.sees(peer));
        node.sendData(peer);
        long deadline = System.nanoTime() + budget.toNanos();
        String direct = null;
        while (direct == null && System.nanoTime() < deadline) {
            direct = node.directPath(peer);
        }
        NatLab.Probe p = new NatLab.Probe(direct != null, direct != null ? direct : "DERP",
                Duration.ofNanos(System.nanoTime() - start));
        log.printf("  %s -> %s: data %s (%d ms)%n", node, peer, direct != null ? "direct via " + direct : "not direct",
                p.elapsed().toMillis());
        return p;
    }

    /**
     * Pings until some pong came back (the peer may not be in the netmap yet), then returns that
     * probe, its elapsed time counted from the first try.
     */
    private NatLab.Probe await(NatLab.Node node, NatLab.Node peer) {
        long start = System.nanoTime();
        long deadline = start + Duration.ofSeconds(60).toNanos();
        while (true) {
            NatLab.Probe p = node.probe(peer, budget);
            if (p.answered() || System.nanoTime() > deadline) {
                NatLab.Probe total = new NatLab.Probe(p.direct(), p.via(), Duration.ofNanos(System.nanoTime() - start));
                log.printf("  %s -> %s: %s via %s (%d ms)%n", node, peer, p.direct() ? "direct" : "relayed", p.via(),
                        total.elapsed().toMillis());
                return total;
            }
        }
    }

    private void report(List<Cell> cells, List<NatLab.Node> nodes) {
        if (!cells.stream().allMatch(Cell::javaAtLeastAsGood)) {
            dumpLogs(nodes);
        }
    }

    private void dumpLogs(List<NatLab.Node> nodes) {
        for (NatLab.Node n : nodes) {
            log.println("----- " + n + " log -----\n" + n.logTail());
        }
    }

    /** A Markdown table of {@code cells}: one row each, reference beside Java. */
    public static String table(List<Cell> cells) {
        List<String> lines = new ArrayList<>();
        lines.add("| Topology (A ↔ B) | Who starts the path | tailscaled ↔ tailscaled | Java pair"
                + " | `up` + start to the first direct path, tailscaled | the same, Java |");
        lines.add("|---|---|---|---|---|---|");
        for (Cell c : cells) {
            lines.add("| " + c.topology() + " | " + c.javaRole() + " | " + path(c.reference(), c.referenceExpected()) + " | "
                    + path(c.java(), c.expected()) + " | " + (c.sinceUp() == null ? " | "
                    : timing(c.sinceUp(), c.reference()) + " | " + timing(c.javaSinceUp(), c.java())) + " |");
        }
        return String.join("\n", lines) + "\n";
    }

    private static String path(NatLab.Probe p, String expected) {
        if (!p.direct()) {
            return p.answered() ? "DERP" : "no pong";
        }
        return "direct" + (p.viaAddress().equals(expected) ? "" : " (from " + p.viaAddress() + ", not " + expected + ")");
    }

    /** {@code 4.1 s + 0.9 s = 5.0 s}: up, then ping until the first direct pong. */
    private static String timing(Duration up, NatLab.Probe p) {
        if (!p.direct()) {
            return "–";
        }
        return String.format(java.util.Locale.ROOT, "%.1f s + %.1f s = %.1f s", up.toMillis() / 1000.0,
                p.elapsed().toMillis() / 1000.0, up.plus(p.elapsed()).toMillis() / 1000.0);
    }
}
