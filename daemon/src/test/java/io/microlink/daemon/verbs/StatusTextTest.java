package io.microlink.daemon.verbs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.microlink.daemon.api.ApiProtocol;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * What {@code status} prints, rendered by the daemon from the object it builds, against what the
 * CLI printed before from the same object after it crossed the socket as JSON.
 */
class StatusTextTest {
    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");

    /** A status as {@code Status.handle} builds it: puts of nulls, ints, longs and booleans. */
    private static ObjectNode built() {
        ObjectNode s = ApiProtocol.object().put("state", "RUNNING").put("controlUrl", "https://hs.example")
                .put("deviceName", "box").put("detail", "").put("loginUrl", (String) null)
                .put("tunDevice", "ml0").put("tunActive", false);
        s.putArray("health").add("net.ipv4.ip_forward is off");
        s.putArray("uplinks").addObject().put("name", "wlan0").put("health", "down").put("active", false);
        s.withArray("uplinks").addObject().put("name", "wwan0").put("health", "up").put("active", true);
        s.putArray("proxies").addObject().put("kind", "socks5").put("port", 1080).put("address", "127.0.0.1:1080")
                .put("problem", (String) null).put("authentication", true);
        s.withArray("proxies").addObject().put("kind", "http").put("port", 0).put("address", (String) null)
                .put("problem", (String) null).put("authentication", false);
        s.putArray("serve").addObject().put("tailnetPort", 80).put("localPort", 8080).put("active", true)
                .put("connections", 1).put("problem", (String) null);
        s.put("acceptRoutes", true).put("exitNode", "gw").put("exitNodeProblem", (String) null);
        ObjectNode self = s.putObject("self").put("name", "box").put("fqdn", "box.tail.example");
        self.putArray("addresses").add("100.64.0.1").add("fd7a:115c:a1e0::1");
        self.put("nodeKey", "nodekey:ab");
        self.putArray("advertisedRoutes").add("10.0.0.0/24").add("10.1.0.0/24");
        self.putArray("approvedRoutes").add("10.0.0.0/24");
        s.putObject("portMapping").put("protocol", "PCP").put("endpoint", "198.51.100.7:41641");
        ObjectNode gw = s.putArray("peers").addObject().put("name", "gw").put("fqdn", "gw.tail.example");
        gw.putArray("addresses").add("100.64.0.2");
        gw.put("online", true).put("os", "linux").put("lastSeen", (String) null).put("path", "direct 192.0.2.7:41641")
                .put("lastHandshake", "2026-12-07T11:59:30Z").put("rxBytes", 5_000_000_000L).put("txBytes", 512L);
        gw.putArray("routes").add("192.168.1.0/24");
        gw.putArray("primaryRoutes").add("192.168.1.0/24");
        gw.put("exitNodeOption", true).put("exitNode", true);
        ObjectNode laptop = s.withArray("peers").addObject().put("name", "läptop").put("fqdn", "läptop.tail.example");
        laptop.putArray("addresses");
        laptop.putNull("online");
        laptop.put("os", (String) null).put("lastSeen", "2026-12-06T10:00:00Z").put("path", (String) null)
                .put("lastHandshake", (String) null).putNull("rxBytes");
        laptop.putNull("txBytes");
        laptop.putArray("routes");
        laptop.putArray("primaryRoutes");
        laptop.put("exitNodeOption", true).put("exitNode", false);
        return s;
    }

    /** What the CLI received before: the object written by the daemon and read back. */
    private static JsonNode overTheWire(ObjectNode built) throws Exception {
        ObjectMapper json = new ObjectMapper();
        return json.readTree(json.writeValueAsBytes(built));
    }

    @Test
    void theDaemonsJsonIsByteForByteWhatTheCliPrintedFromTheReply() throws Exception {
        ObjectNode s = built();
        assertThat(Status.text(s, true, NOW)).isEqualTo(overTheWire(s).toPrettyString() + "\n")
                .contains("\"rxBytes\" : 5000000000", "\"loginUrl\" : null", "\"name\" : \"läptop\"");
    }

    @Test
    void theDaemonsTableIsWhatTheCliPrintedFromTheReply() throws Exception {
        ObjectNode s = built();
        String table = Status.text(s, false, NOW);
        assertThat(table).isEqualTo(Status.text(overTheWire(s), false, NOW));
        assertThat(table).isEqualTo("""
                state: RUNNING
                control: https://hs.example
                networking: userspace: TUN device ml0 could not be opened (the daemon log says why)
                health: net.ipv4.ip_forward is off
                uplinks: wlan0 (down), wwan0 (up, active)
                socks5 proxy: 127.0.0.1:1080 (username and password required)
                http proxy: off
                serve: tailnet port 80 -> 127.0.0.1:8080 (serving, 1 connection)
                exit node: gw
                port mapping: 198.51.100.7:41641 (PCP)

                ADDRESS     NAME    ONLINE  PATH                    HANDSHAKE  RX       TX     ROUTES
                100.64.0.1  box     self    -                       -          -        -      10.0.0.0/24, 10.1.0.0/24 (not approved)
                100.64.0.2  gw      yes     direct 192.0.2.7:41641  30s ago    4.7 GiB  512 B  192.168.1.0/24, EXIT NODE (in use)
                -           läptop  ?       -                       -          -        -      exit node
                """);
    }
}
