package io.microlink.interop.dns;

import static org.assertj.core.api.Assertions.assertThat;

import io.microlink.TailnetNode;
import io.microlink.dns.DnsClass;
import io.microlink.dns.DnsHeader;
import io.microlink.dns.DnsMessage;
import io.microlink.dns.DnsQuestion;
import io.microlink.dns.DnsRcode;
import io.microlink.dns.DnsRdata;
import io.microlink.dns.DnsRecord;
import io.microlink.dns.DnsType;
import io.microlink.interop.Dnsmasq;
import io.microlink.interop.TestTailnet;
import io.microlink.netstack.socket.TailnetDatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Names outside the tailnet, asked of 100.100.100.100 by a Java node's own userspace UDP socket,
 * answered by a real resolver (dnsmasq on a loopback address of this test's choosing) that
 * headscale hands the node as the DNS config's {@code Resolvers} ({@code dns.nameservers.global}).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class DnsForwardInteropTest {
    private static final InetSocketAddress QUAD_100 = new InetSocketAddress("100.100.100.100", 53);
    /** A loopback address of its own, so that port 53 is free whatever else runs here. */
    private static final InetAddress RESOLVER = InetAddress.ofLiteral("127.53." + ThreadLocalRandom.current().nextInt(1, 255)
            + "." + ThreadLocalRandom.current().nextInt(1, 255));
    /** Eight 200-byte strings: about 1.7 KB, past the 512 bytes this dnsmasq sends over UDP. */
    private static final int BIG_STRINGS = 8;

    @RegisterExtension
    static final TestTailnet tailnet = TestTailnet.withNameservers(List.of(RESOLVER.getHostAddress()));
    private static Dnsmasq dnsmasq;
    private static TailnetNode node;

    @BeforeAll
    static void start() throws Exception {
        List<String> records = new ArrayList<>(List.of("--host-record=www.fwd.test,192.0.2.80",
                "--edns-packet-max=512"));
        for (int i = 0; i < BIG_STRINGS; i++) {
            records.add("--txt-record=big.fwd.test," + (char) ('a' + i) + "x".repeat(199));
        }
        dnsmasq = Dnsmasq.start(Files.createTempDirectory("microlink-dnsmasq"), RESOLVER, 53, "fwd.test", records);
        node = tailnet.addJavaNode("java-fwd", tailnet.addNode("ts1"));
    }

    @AfterAll
    static void stop() {
        if (dnsmasq != null) {
            dnsmasq.close();
        }
    }

    @Test
    void aNonTailnetNameIsAnsweredByTheNetmapsResolverThroughQuad100() throws Exception {
        DnsMessage a = ask(new DnsQuestion("WWW.fwd.test.", DnsType.A, DnsClass.IN), false);
        assertThat(a.header().rcode()).isEqualTo(DnsRcode.NOERROR);
        assertThat(a.questions().getFirst().name()).isEqualTo("WWW.fwd.test.");
        assertThat(a.answers()).extracting(r -> ((DnsRdata.Address) r.data()).address())
                .containsExactly(InetAddress.ofLiteral("192.0.2.80"));
        assertThat(ask(new DnsQuestion("nope.fwd.test.", DnsType.A, DnsClass.IN), false).header().rcode())
                .isEqualTo(DnsRcode.NXDOMAIN);
        assertThat(dnsmasq.log(50)).containsIgnoringCase("query[A] www.fwd.test from 127.");
    }

    /**
     * dnsmasq cuts UDP answers at 512 bytes with TC, so the whole TXT set reaches a client that
     * takes 4096 bytes only if quad-100 asked again over TCP; a client without EDNS gets TC.
     */
    @Test
    void aTruncatedUpstreamAnswerIsFetchedOverTcpAndCutToWhatTheClientTakes() throws Exception {
        DnsQuestion big = new DnsQuestion("big.fwd.test.", 16, DnsClass.IN);
        DnsMessage whole = ask(big, true);
        assertThat(whole.header().truncated()).isFalse();
        assertThat(whole.answers()).hasSize(BIG_STRINGS);

        DnsMessage cut = ask(big, false);
        assertThat(cut.header().truncated()).isTrue();
        assertThat(cut.answers()).isEmpty();
    }

    /** Asks quad-100 from the node's own socket, three tries of 5 s as a stub resolver would. */
    private static DnsMessage ask(DnsQuestion question, boolean edns4096) throws Exception {
        int id = ThreadLocalRandom.current().nextInt(0x10000);
        List<DnsRecord> opt = edns4096 ? List.of(new DnsRecord(".", DnsType.OPT, 4096, 0,
                new DnsRdata.Opaque(new byte[0]))) : List.of();
        byte[] query = new DnsMessage(DnsHeader.query(id), List.of(question), List.of(), List.of(), opt).encode(512);
        try (TailnetDatagramSocket socket = node.bindUdp(0)) {
            for (int attempt = 0; attempt < 3; attempt++) {
                socket.send(QUAD_100, query);
                TailnetDatagramSocket.Datagram reply = socket.receive(Duration.ofSeconds(5));
                if (reply != null) {
                    assertThat(reply.sender()).isEqualTo(QUAD_100);
                    DnsMessage m = DnsMessage.parse(reply.data());
                    assertThat(m.header().id()).isEqualTo(id);
                    return m;
                }
            }
        }
        throw new AssertionError("quad-100 did not answer " + question + "; dnsmasq saw:\n" + dnsmasq.log(30));
    }
}
