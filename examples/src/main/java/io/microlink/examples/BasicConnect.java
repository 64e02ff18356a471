package io.microlink.examples;

import io.microlink.Peer;
import io.microlink.TailnetMap;
import io.microlink.TailnetNode;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * Basic connect: joins the tailnet, prints this node's name and tailnet addresses and the
 * peers it sees, and exits. The smallest use of {@link TailnetNode}.
 *
 * <pre>
 * export TS_AUTHKEY=tskey-auth-...          # or --auth-key-file FILE; neither: a login URL is printed
 * scripts/example basic-connect --login-server https://headscale.example.com --hostname demo-1
 *
 * java -cp microlink-examples.jar io.microlink.examples.BasicConnect --login-server URL
 * </pre>
 *
 * Prints, for example:
 *
 * <pre>
 * connected as demo-1 (demo-1.tailnet.example) 100.64.0.3 fd7a:115c:a1e0::3
 * 2 peers:
 *   laptop    100.64.0.1 fd7a:115c:a1e0::1   online
 *   printer   100.64.0.2 fd7a:115c:a1e0::2   offline
 * </pre>
 */
public final class BasicConnect {
    static final String NAME = "basic-connect";
    private static final String HELP = """
            usage: basic-connect [flags]

            Joins the tailnet, prints this node's name and addresses and the peers it sees, and exits.

            """ + ExampleNode.help(NAME);

    private BasicConnect() {}

    public static void main(String[] args) {
        Example.main(args, BasicConnect::run);
    }

    /** Runs the example in this JVM and returns its exit code (0 connected, 1 failed, 2 bad arguments). */
    public static int run(List<String> args, ExampleIo io) {
        return Example.run(NAME, HELP, args, io, BasicConnect::connect);
    }

    private static int connect(List<String> argv, ExampleIo io)
            throws UsageException, ExampleFailure, InterruptedException {
        ExampleArgs args = ExampleArgs.parse(argv, ExampleNode.FLAGS, Set.of());
        args.positionals();
        try (TailnetNode node = ExampleNode.join(args, io, NAME)) {
            TailnetMap tailnet = node.tailnet();
            Peer self = tailnet.self().orElseThrow(() -> new ExampleFailure("connected, but control sent no self node"));
            io.out().println("connected as " + self.shortName() + " (" + self.fqdn() + ") "
                    + ExampleNode.addresses(self));
            List<Peer> peers = tailnet.peers().stream().sorted(Comparator.comparing(Peer::shortName)).toList();
            io.out().println(peers.size() + (peers.size() == 1 ? " peer:" : " peers:"));
            int width = peers.stream().mapToInt(p -> p.shortName().length()).max().orElse(0);
            for (Peer p : peers) {
                io.out().printf("  %-" + width + "s   %s   %s%n", p.shortName(), ExampleNode.addresses(p), online(p));
            }
            return Example.OK;
        }
    }

    private static String online(Peer p) {
        return p.online().map(online -> online ? "online" : "offline").orElse("");
    }
}
