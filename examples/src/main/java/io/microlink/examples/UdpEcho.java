package io.microlink.examples;

import io.microlink.TailnetNode;
import io.microlink.netstack.socket.TailnetDatagramSocket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

/**
 * UDP echo server: sends every datagram that reaches its port back to the sender, and prints
 * who sent it (the tailnet node and user, from {@link TailnetNode#whois}). It shows
 * {@link TailnetNode#bindUdp} with a receive callback
 * ({@link TailnetDatagramSocket#onReceive}): no thread of its own. Runs until Ctrl-C.
 *
 * <pre>
 * export TS_AUTHKEY=tskey-auth-...
 * scripts/example udp-echo --login-server https://headscale.example.com --hostname echo-1 --port 9000
 *
 * # from any other node of the tailnet:
 * echo hello | nc -u -w1 echo-1 9000
 * scripts/example ping-pong ping echo-1 --udp 9000 --login-server ...
 * </pre>
 *
 * Prints a line per datagram, for example:
 *
 * <pre>
 * echoing UDP on port 9000 of 100.64.0.5 fd7a:115c:a1e0::5
 * 6 bytes from laptop (alice@example.com) at 100.64.0.1:53122: hello
 * </pre>
 */
public final class UdpEcho {
    static final String NAME = "udp-echo";
    private static final int DEFAULT_PORT = 9000;
    /** How much of a datagram the log line shows. */
    private static final int SHOWN_BYTES = 80;
    private static final String HELP = """
            usage: udp-echo [--port PORT] [flags]

            Sends every UDP datagram that reaches PORT on this node's tailnet addresses back to its
            sender, printing who sent it. Runs until Ctrl-C.

            udp-echo flags:
              --port PORT            the UDP port (default %d)

            """.formatted(DEFAULT_PORT) + ExampleNode.help(NAME);

    private UdpEcho() {}

    public static void main(String[] args) {
        Example.main(args, UdpEcho::run);
    }

    /** Runs the example in this JVM until its thread is interrupted; returns its exit code (0 when stopped so). */
    public static int run(List<String> args, ExampleIo io) {
        return Example.run(NAME, HELP, args, io, UdpEcho::serve);
    }

    private static int serve(List<String> argv, ExampleIo io)
            throws UsageException, ExampleFailure, IOException, InterruptedException {
        ExampleArgs args = ExampleArgs.parse(argv, ExampleNode.flagsWith(List.of("port")), Set.of());
        args.positionals();
        int port = args.intValue("port", DEFAULT_PORT, 1, 65535);
        try (TailnetNode node = ExampleNode.join(args, io, NAME);
             TailnetDatagramSocket udp = node.bindUdp(port)) {
            udp.onReceive(d -> {
                io.out().println(d.data().length + " bytes from " + who(node, d.sender()) + ": " + shown(d.data()));
                udp.send(d.sender(), d.data());
            });
            io.out().println("echoing UDP on port " + port + " of " + ExampleNode.addresses(node));
            Example.untilStopped(io);
            return Example.OK;
        }
    }

    /** {@code laptop (alice@example.com) at 100.64.0.1:53122}, or just the address for a sender the netmap lacks. */
    private static String who(TailnetNode node, InetSocketAddress sender) {
        String at = sender.getAddress().getHostAddress() + ":" + sender.getPort();
        return node.whois(sender.getAddress())
                .map(w -> w.shortName() + (w.loginName().isEmpty() ? "" : " (" + w.loginName() + ")") + " at " + at)
                .orElse(at);
    }

    /** The start of a datagram as text, with line breaks and other control characters as '.'. */
    private static String shown(byte[] data) {
        String text = new String(data, 0, Math.min(data.length, SHOWN_BYTES), StandardCharsets.UTF_8);
        return text.replaceAll("\\p{Cntrl}", ".") + (data.length > SHOWN_BYTES ? "..." : "");
    }
}
