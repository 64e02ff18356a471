package io.microlink.interop.dns;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.microlink.control.ControlClient;
import io.microlink.control.wire.Hostinfo;
import io.microlink.control.wire.MapRequest;
import io.microlink.control.wire.RegisterRequest;
import io.microlink.dns.DnsClass;
import io.microlink.dns.DnsHeader;
import io.microlink.dns.DnsMessage;
import io.microlink.dns.DnsOutcome;
import io.microlink.dns.DnsQuestion;
import io.microlink.dns.DnsRdata;
import io.microlink.dns.DnsRecord;
import io.microlink.dns.DnsType;
import io.microlink.dns.MagicDnsResolver;
import io.microlink.interop.Await;
import io.microlink.interop.Tailscaled;
import io.microlink.interop.TestTailnet;
import io.microlink.key.KeyKind;
import io.microlink.key.PrivateKey;
import io.microlink.key.PublicKey;
import io.microlink.netmap.Netmap;
import io.microlink.netmap.NetmapUpdater;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Our resolver against tailscaled's own quad-100 ({@code tailscale dns query}) on one headscale
 * tailnet: both sit on dual-stack nodes, so the same node name must get the same answer.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class MagicDnsInteropTest {
    private static final Duration CONNECT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final TestTailnet tailnet = TestTailnet.create();

    /** Response code and answers as "TYPE ttl address", the part both resolvers must agree on. */
    private record Answer(String rcode, List<String> records) {}

    @Test
    void peerNamesAnswerAsTailscaledAnswersThem() throws Exception {
        Tailscaled ts1 = tailnet.addNode("ts1");
        tailnet.addNode("ts2");
        // The netmap headscale sends a node, read with our own control client: a TailnetNode's
        // netmap is not public, and the resolver needs only the map.
        URI server = URI.create(tailnet.headscale().url());
        PublicKey nodeKey = PrivateKey.generate(KeyKind.NODE).publicKey();
        Hostinfo hostinfo = new Hostinfo("test", "linux", null, "java-dns", null, true, null);
        try (ControlClient control = new ControlClient(server, PrivateKey.generate(KeyKind.MACHINE),
                ControlClient.fetchServerKey(server, CONNECT), CONNECT)) {
            control.register(new RegisterRequest(ControlClient.CAPABILITY_VERSION, nodeKey.toString(), null,
                    new RegisterRequest.Auth(tailnet.reusableKey(TestTailnet.DEFAULT_USER).key()),
                    RegisterRequest.ZERO_TIME, "", hostinfo, null));
            try (ControlClient.MapStream stream = control.map(new MapRequest(ControlClient.CAPABILITY_VERSION, "zstd",
                    true, nodeKey.toString(), PrivateKey.generate(KeyKind.DISCO).publicKey().toString(), true, false,
                    hostinfo, null, null))) {
                Netmap netmap = NetmapUpdater.apply(NetmapUpdater.empty(), stream.next()).netmap();
                Await.until(CONNECT, "ts1 to list java-dns", () -> ts1.status().peer("java-dns").isPresent());
                String ts2 = netmap.resolve("ts2").orElseThrow().name();
                String suffix = ts2.substring(ts2.indexOf('.') + 1);
                MagicDnsResolver ours = MagicDnsResolver.of(netmap, Instant.now());
                // Names only: the harness runs tailscaled with --accept-dns=false, which leaves the
                // suffix unrouted, so for unknown names it says SERVFAIL where MagicDNS says NXDOMAIN.
                for (String name : List.of(ts2, "TS1." + suffix, "java-dns." + suffix)) {
                    for (String type : List.of("A", "AAAA")) {
                        assertThat(ours(ours, name, type)).as(name + " " + type)
                                .isEqualTo(tailscaled(ts1, name, type));
                    }
                }
            }
        }
    }

    private static Answer ours(MagicDnsResolver resolver, String name, String type) throws Exception {
        int qtype = type.equals("A") ? DnsType.A : DnsType.AAAA;
        byte[] query = new DnsMessage(DnsHeader.query(7), List.of(new DnsQuestion(name, qtype, DnsClass.IN)),
                List.of(), List.of(), List.of()).encode(512);
        DnsMessage reply = DnsMessage.parse(((DnsOutcome.Answer) resolver.respond(query,
                MagicDnsResolver.Transport.UDP)).message());
        List<String> records = new ArrayList<>();
        for (DnsRecord r : reply.answers()) {
            records.add((r.type() == DnsType.A ? "A" : "AAAA") + " " + r.ttl() + " "
                    + ((DnsRdata.Address) r.data()).address().getHostAddress());
        }
        String rcode = switch (reply.header().rcode()) {
            case 0 -> "RCodeSuccess";
            case 3 -> "RCodeNameError";
            default -> "rcode " + reply.header().rcode();
        };
        return new Answer(rcode, records);
    }

    private static Answer tailscaled(Tailscaled node, String name, String type) throws Exception {
        JsonNode out = JSON.readTree(node.cli(Duration.ofSeconds(20), "dns", "query", "--json", name, type)
                .requireSuccess().stdout());
        List<String> records = new ArrayList<>();
        for (JsonNode a : out.path("Answers")) {
            records.add(a.path("Type").asText().replace("Type", "") + " " + a.path("TTL").asLong() + " "
                    + InetAddress.ofLiteral(a.path("Body").asText()).getHostAddress());
        }
        return new Answer(out.path("ResponseCode").asText(), records);
    }
}
