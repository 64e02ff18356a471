package io.microlink.daemon.verbs;

import com.fasterxml.jackson.databind.JsonNode;
import io.microlink.Peer;
import io.microlink.PingPath;
import io.microlink.PingResult;
import io.microlink.TailnetNode;
import io.microlink.daemon.Daemon;
import io.microlink.daemon.api.ApiException;
import io.microlink.daemon.api.ApiProtocol;
import io.microlink.daemon.api.ApiRequest;
import io.microlink.daemon.api.Method;
import io.microlink.daemon.cli.CliException;
import io.microlink.daemon.cli.Context;
import io.microlink.daemon.cli.Format;
import io.microlink.daemon.cli.Options;
import io.microlink.daemon.cli.UsageException;
import io.microlink.daemon.cli.Verb;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * {@code microlink ping PEER}: DISCO pings like {@code tailscale ping}, through the relay and
 * directly, each line telling the path and the round trip; by default it stops at the first
 * direct answer.
 */
final class Ping implements Verb, Method {
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    /** A pause between pings answered through the relay, so the direct path has time to open. */
    private static final Duration PAUSE = Duration.ofMillis(250);

    @Override
    public String name() {
        return "ping";
    }

    @Override
    public String arguments() {
        return "PEER";
    }

    @Override
    public String summary() {
        return "ping a peer (name, FQDN or tailnet IP) and show whether the answer came via DERP or directly";
    }

    @Override
    public String details() {
        return "Exits 0 when at least one pong came back, 1 when none did.";
    }

    @Override
    public Options options() {
        return new Options()
                .value("count", "c", "N", "pings to send (default 10)")
                .value("timeout", null, "DURATION", "how long to wait for each pong (default 5s)")
                .flag("until-direct", null, "stop at the first direct pong (default true; --until-direct=false to"
                        + " send all)")
                .flag("derp", null, "ping through the DERP relay only");
    }

    @Override
    public int run(Options.Parsed args, Context context) throws CliException, UsageException, InterruptedException {
        String peer = args.requirePositionals("PEER").getFirst();
        int count = args.intValue("count", 10, 1, 100_000);
        Duration timeout = args.duration("timeout", DEFAULT_TIMEOUT);
        boolean untilDirect = !"false".equals(args.value("until-direct"));
        int pongs = 0;
        for (int i = 0; i < count; i++) {
            JsonNode r;
            try {
                r = context.api().call(ApiProtocol.object().put("method", method()).put("peer", peer)
                        .put("derpOnly", args.flag("derp")).put("timeoutMs", timeout.toMillis()));
            } catch (CliException e) {
                if (!ApiException.TIMEOUT.equals(e.code())) {
                    throw e;
                }
                context.io().out().println("timeout waiting for a pong from " + peer);
                continue;
            }
            pongs++;
            context.io().out().println("pong from " + r.path("peer").asText() + " (" + r.path("address").asText()
                    + ") via " + r.path("path").asText() + " in " + Format.millis(r.path("latencyMs").asDouble()));
            context.io().out().flush();
            if (r.path("direct").asBoolean() && untilDirect) {
                return 0;
            }
            if (i + 1 < count) {
                Thread.sleep(PAUSE);
            }
        }
        if (pongs == 0) {
            throw new CliException("no pong from " + peer + " in " + count + " tries");
        }
        return 0;
    }

    @Override
    public String method() {
        return "ping";
    }

    @Override
    public Reply handle(ApiRequest request, Daemon daemon) throws ApiException {
        String peer = request.text("peer");
        Duration timeout = request.timeout(DEFAULT_TIMEOUT);
        TailnetNode node = daemon.connectedNode();
        Peer target = Peers.find(node, peer);
        try {
            PingResult r = node.ping(peer, request.bool("derpOnly") ? PingPath.DERP : PingPath.ANY, timeout);
            return Reply.of(ApiProtocol.object().put("peer", target.shortName())
                    .put("address", Peers.addresses(target).stream().findFirst().orElse("-"))
                    .put("path", r.path()).put("direct", r.direct()).put("latencyMs", r.latency().toNanos() / 1e6));
        } catch (IllegalArgumentException e) {
            throw new ApiException(ApiException.UNKNOWN_PEER, "no peer " + peer + " in the tailnet");
        } catch (IllegalStateException e) {
            throw new ApiException(ApiException.NOT_CONNECTED, e.getMessage());
        } catch (TimeoutException e) {
            throw new ApiException(ApiException.TIMEOUT, "no pong from " + peer + " within " + timeout.toMillis() + " ms");
        } catch (IOException e) {
            throw new ApiException(ApiException.FAILED, "cannot ping " + peer + ": " + e.getMessage());
        }
    }
}
