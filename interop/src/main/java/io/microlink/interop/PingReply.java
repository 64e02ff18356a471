package io.microlink.interop;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code pong from NAME (IP[, PEERAPI]) via PATH in LATENCY} line of {@code tailscale ping}.
 *
 * @param via {@code DERP(code)} for a relayed reply, {@code ip:port} for a direct one, or
 *            the ping type ({@code TSMP}, {@code ICMP}) when tailscale does not say
 */
public record PingReply(String nodeName, String nodeIp, String via, Duration latency) {
    private static final Pattern LINE = Pattern.compile(
            "^pong from (\\S+) \\(([^,)]+)(?:, \\d+)?\\) via (\\S+) in ([0-9.]+)(µs|us|ms|s)$");

    public boolean viaDerp() {
        return via.startsWith("DERP(");
    }

    /** A direct UDP path reports the peer's {@code ip:port}. */
    public boolean direct() {
        return !viaDerp() && via.matches(".*:\\d+$");
    }

    static Optional<PingReply> parse(String line) {
        Matcher m = LINE.matcher(line.strip());
        if (!m.matches()) {
            return Optional.empty();
        }
        double amount = Double.parseDouble(m.group(4));
        long nanos = switch (m.group(5)) {
            case "s" -> (long) (amount * 1e9);
            case "ms" -> (long) (amount * 1e6);
            default -> (long) (amount * 1e3);
        };
        return Optional.of(new PingReply(m.group(1), m.group(2), m.group(3), Duration.ofNanos(nanos)));
    }

    /** The pongs among the lines of {@code tailscale ping} or {@code microlink ping}. */
    public static List<PingReply> parseAll(String output) {
        return output.lines().map(PingReply::parse).flatMap(Optional::stream).toList();
    }
}
