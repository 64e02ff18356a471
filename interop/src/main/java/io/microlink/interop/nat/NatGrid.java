package io.microlink.interop.nat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code scripts/nat-grid [--out FILE]}: the full pair grid, every ordered pair of easy,
 * hard and double NAT sites, a forwarded port against a hard NAT both ways, a site without
 * UDP, three of those again with the path started by data instead of a ping, and the same LAN, each topology built afresh, printed
 * as a Markdown table (and written to FILE). Exits 1 if the Java node stayed on DERP
 * anywhere tailscaled went direct, or got no pong where tailscaled got one.
 */
public final class NatGrid {
    private static final Duration BUDGET = Duration.ofSeconds(10);

    private NatGrid() {}

    public static void main(String[] args) throws IOException {
        Path out = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--out") && i + 1 < args.length) {
                out = Path.of(args[++i]);
            } else {
                System.err.println("nat-grid: unknown argument '" + args[i] + "'\nusage: scripts/nat-grid [--out FILE]");
                System.exit(2);
            }
        }
        NatPairGrid grid = new NatPairGrid(BUDGET, System.out);
        List<NatPairGrid.Cell> cells = new ArrayList<>();
        Instant start = Instant.now();
        List<NatSite> natted = List.of(NatSite.EASY, NatSite.HARD, NatSite.DOUBLE);
        List<NatSite[]> pairs = new ArrayList<>();
        natted.forEach(a -> natted.forEach(b -> pairs.add(new NatSite[] {a, b})));
        // A forwarded port is what makes a hard NAT passable: against one, both ways round.
        pairs.add(new NatSite[] {NatSite.FORWARDED, NatSite.HARD});
        pairs.add(new NatSite[] {NatSite.HARD, NatSite.FORWARDED});
        // Only DERP can work; what counts is that it does, both ways.
        pairs.add(new NatSite[] {NatSite.UDP_BLOCKED, NatSite.EASY});
        for (NatSite[] pair : pairs) {
            System.out.println("== " + pair[0].label() + " <-> " + pair[1].label());
            cells.addAll(grid.across(pair[0], pair[1]));
        }
        // The same paths started by data instead of a ping, where a direct path is possible.
        for (NatSite[] pair : List.of(new NatSite[] {NatSite.EASY, NatSite.EASY},
                new NatSite[] {NatSite.DOUBLE, NatSite.DOUBLE}, new NatSite[] {NatSite.HARD, NatSite.FORWARDED})) {
            System.out.println("== " + pair[0].label() + " <-> " + pair[1].label() + ", started by data");
            cells.addAll(grid.across(pair[0], pair[1], NatPairGrid.Start.DATA));
        }
        System.out.println("== same LAN");
        cells.addAll(grid.sameLan(NatSite.EASY));
        String table = NatPairGrid.table(cells);
        System.out.println("\n" + table + "\n(" + Duration.between(start, Instant.now()).toSeconds() + " s)");
        if (out != null) {
            Files.writeString(out, table);
        }
        List<NatPairGrid.Cell> worse = cells.stream().filter(c -> !c.javaAtLeastAsGood()).toList();
        worse.forEach(c -> System.out.println("FAIL: " + c.topology() + ", " + c.javaRole()
                + ": the Java node did worse than tailscaled (DERP or no pong where it went direct or was answered)"));
        System.exit(worse.isEmpty() ? 0 : 1);
    }
}
