package io.microlink.interop.derp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.microlink.control.ControlClient;
import io.microlink.control.wire.DerpMap;
import io.microlink.control.wire.Hostinfo;
import io.microlink.control.wire.MapRequest;
import io.microlink.control.wire.MapResponse;
import io.microlink.control.wire.Node;
import io.microlink.control.wire.RegisterRequest;
import io.microlink.derp.DerpClient;
import io.microlink.derp.DerpProtocolException;
import io.microlink.disco.DiscoMessage;
import io.microlink.disco.DiscoPacket;
import io.microlink.interop.Await;
import io.microlink.interop.PingReply;
import io.microlink.interop.Tailscaled;
import io.microlink.interop.TestTailnet;
import io.microlink.key.KeyKind;
import io.microlink.key.PrivateKey;
import io.microlink.key.PublicKey;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The DERP client and the DISCO codec against headscale's embedded DERP and a real
 * tailscaled: DISCO pings both ways through the relay. The test plays magicsock's part
 * (answering pings) by hand; the real magicsock comes with the DISCO issue.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class DerpDiscoInteropTest {
    private static final String DERP_MAGIC_IP = "127.3.3.40";

    @RegisterExtension
    static final TestTailnet tailnet = TestTailnet.create();

    static final PrivateKey node = PrivateKey.generate(KeyKind.NODE);
    static final PrivateKey disco = PrivateKey.generate(KeyKind.DISCO);
    static final LinkedBlockingQueue<DiscoPacket.Opened> pongs = new LinkedBlockingQueue<>();
    static ControlClient control;
    static ControlClient.MapStream stream;
    static volatile MapResponse firstMap;
    static Tailscaled ts1;
    static DerpClient derp;

    @BeforeAll
    static void joinAndConnectToDerp() throws Exception {
        ts1 = tailnet.addNode("ts1");
        URI server = URI.create(tailnet.headscale().url());
        control = new ControlClient(server, PrivateKey.generate(KeyKind.MACHINE),
                ControlClient.fetchServerKey(server, Duration.ofSeconds(10)), Duration.ofSeconds(120));
        int region = tailnet.headscale().derpRegionId();
        Hostinfo hostinfo = new Hostinfo("microlink-test", "linux", null, "java-derp", null, true,
                new Hostinfo.NetInfo(region, Map.of(region + "-v4", 0.001), false, false));
        control.register(new RegisterRequest(ControlClient.CAPABILITY_VERSION, node.publicKey().toString(), null,
                new RegisterRequest.Auth(tailnet.reusableKey(TestTailnet.DEFAULT_USER).key()),
                RegisterRequest.ZERO_TIME, "", hostinfo, null));
        // The long poll carries our disco key to the peers and keeps us online; keep it open.
        stream = control.map(new MapRequest(ControlClient.CAPABILITY_VERSION, "zstd", true,
                node.publicKey().toString(), disco.publicKey().toString(), true, false, hostinfo, null, null));
        firstMap = stream.next();
        Thread.startVirtualThread(() -> {
            try {
                while (stream.next() != null) {
                    // deltas are not needed here
                }
            } catch (Exception e) {
                // closed at the end of the test
            }
        });
        DerpMap.DerpNode derpNode = firstMap.derpMap().regions().get(region).nodes().getFirst();
        derp = DerpClient.connect(derpNode, DerpClient.Transport.PLAIN_HTTP, ControlClient.defaultTls(), node,
                DerpDiscoInteropTest::onPacket, () -> { }, Duration.ofSeconds(10));
        derp.notePreferred(true);
    }

    /** What magicsock will do: answer pings on the path they came, collect pongs. */
    private static void onPacket(PublicKey from, byte[] packet) {
        if (!DiscoPacket.looksLikeDisco(packet)) {
            return;
        }
        try {
            DiscoPacket.Opened in = DiscoPacket.open(disco, packet);
            switch (in.message()) {
                case DiscoMessage.Ping ping -> derp.send(from, DiscoPacket.seal(disco, in.sender(),
                        new DiscoMessage.Pong(ping.txId(), new InetSocketAddress(DERP_MAGIC_IP,
                                tailnet.headscale().derpRegionId()))));
                case DiscoMessage.Pong pong -> pongs.add(in);
                default -> { }
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterAll
    static void close() throws Exception {
        if (derp != null) {
            derp.close();
        }
        if (stream != null) {
            stream.close();
        }
        if (control != null) {
            control.close();
        }
    }

    private static Node ts1InMap() {
        return firstMap.peers().stream().filter(p -> p.hostinfo().hostname().equals("ts1")).findFirst().orElseThrow();
    }

    @Test
    void aDiscoPingThroughDerpIsAnsweredByTailscaled() throws Exception {
        Node peer = ts1InMap();
        byte[] txId = new byte[DiscoMessage.TX_ID_LENGTH];
        new SecureRandom().nextBytes(txId);
        derp.send(PublicKey.parse(KeyKind.NODE, peer.key()), DiscoPacket.seal(disco,
                PublicKey.parse(KeyKind.DISCO, peer.discoKey()), new DiscoMessage.Ping(txId, node.publicKey(), 0)));

        DiscoPacket.Opened reply = pongs.poll(15, TimeUnit.SECONDS);
        assertThat(reply).as("pong from ts1").isNotNull();
        assertThat(reply.sender()).isEqualTo(PublicKey.parse(KeyKind.DISCO, peer.discoKey()));
        DiscoMessage.Pong pong = (DiscoMessage.Pong) reply.message();
        assertThat(pong.txId()).isEqualTo(txId);
        // tailscaled reports the DERP path as its magic address for the region.
        assertThat(pong.source()).isEqualTo(new InetSocketAddress(DERP_MAGIC_IP, tailnet.headscale().derpRegionId()));
    }

    @Test
    void tailscalePingIsAnsweredViaDerp() {
        Await.until(Duration.ofSeconds(30), "ts1 to see java-derp with its home DERP",
                () -> ts1.status().seesOnlineWithHomeDerp("java-derp"));
        List<PingReply> replies = ts1.ping("java-derp", "--until-direct=false", "-c", "1");
        assertThat(replies.getFirst().nodeName()).isEqualTo("java-derp");
        assertThat(replies.getFirst().via()).isEqualTo("DERP(" + tailnet.headscale().derpRegionCode() + ")");
    }

    @Test
    void theRelayTurnsAwayANodeKeyTheTailnetDoesNotKnow() {
        DerpMap.DerpNode derpNode = firstMap.derpMap().regions().get(tailnet.headscale().derpRegionId()).nodes()
                .getFirst();
        assertThatThrownBy(() -> DerpClient.connect(derpNode, DerpClient.Transport.PLAIN_HTTP,
                ControlClient.defaultTls(), PrivateKey.generate(KeyKind.NODE), (f, p) -> { }, () -> { },
                Duration.ofSeconds(10))
                .close())
                .isInstanceOf(DerpProtocolException.class);
    }
}
