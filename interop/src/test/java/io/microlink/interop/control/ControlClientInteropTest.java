package io.microlink.interop.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.microlink.control.ControlClient;
import io.microlink.control.ControlHttpException;
import io.microlink.control.noise.ControlProtocolException;
import io.microlink.control.wire.Hostinfo;
import io.microlink.control.wire.MapRequest;
import io.microlink.control.wire.MapResponse;
import io.microlink.control.wire.RegisterRequest;
import io.microlink.control.wire.RegisterResponse;
import io.microlink.interop.Headscale;
import io.microlink.interop.TestTailnet;
import io.microlink.key.KeyKind;
import io.microlink.key.PrivateKey;
import io.microlink.key.PublicKey;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The ts2021 transport, registration and map stream against a real headscale. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ControlClientInteropTest {
    @RegisterExtension
    static final TestTailnet tailnet = TestTailnet.create();

    private static URI server() {
        return URI.create(tailnet.headscale().url());
    }

    private static Hostinfo hostinfo(String name) {
        return new Hostinfo("microlink-test", "linux", null, name, null, true, null);
    }

    @Test
    void registersWithAnAuthKeyAndReceivesAFullMap() throws Exception {
        tailnet.addNode("ts1");
        PrivateKey machine = PrivateKey.generate(KeyKind.MACHINE);
        PrivateKey node = PrivateKey.generate(KeyKind.NODE);
        PublicKey serverKey = ControlClient.fetchServerKey(server(), Duration.ofSeconds(10));
        assertThat(serverKey.kind()).isEqualTo(KeyKind.MACHINE);

        try (ControlClient control = new ControlClient(server(), machine, serverKey, Duration.ofSeconds(120))) {
            RegisterResponse r = control.register(new RegisterRequest(ControlClient.CAPABILITY_VERSION,
                    node.publicKey().toString(), PublicKey.of(KeyKind.NODE, new byte[32]).toString(),
                    new RegisterRequest.Auth(tailnet.reusableKey(TestTailnet.DEFAULT_USER).key()),
                    RegisterRequest.ZERO_TIME, "", hostinfo("java1"), null));
            assertThat(r.error()).isNullOrEmpty();
            assertThat(r.machineAuthorized()).isTrue();

            MapRequest poll = new MapRequest(ControlClient.CAPABILITY_VERSION, "zstd", true,
                    node.publicKey().toString(), PrivateKey.generate(KeyKind.DISCO).publicKey().toString(),
                    true, false, hostinfo("java1"), null, null);
            try (ControlClient.MapStream stream = control.map(poll)) {
                MapResponse first = stream.next();
                assertThat(first.node().key()).isEqualTo(node.publicKey().toString());
                assertThat(first.node().name()).isEqualTo("java1." + tailnet.headscale().baseDomain() + ".");
                assertThat(first.peers()).extracting(n -> n.hostinfo().hostname()).contains("ts1");
                assertThat(first.derpMap().regions()).containsKey(tailnet.headscale().derpRegionId());
            }
        }
        assertThat(tailnet.headscale().nodes()).extracting(Headscale.Node::givenName).contains("java1");
    }

    @Test
    void aWrongServerKeyFailsTheHandshakeWithAClearMessage() throws Exception {
        PublicKey wrong = PrivateKey.generate(KeyKind.MACHINE).publicKey();
        try (ControlClient control = new ControlClient(server(), PrivateKey.generate(KeyKind.MACHINE), wrong,
                Duration.ofSeconds(30))) {
            assertThatThrownBy(() -> control.register(new RegisterRequest(ControlClient.CAPABILITY_VERSION,
                    PrivateKey.generate(KeyKind.NODE).publicKey().toString(), null, null, RegisterRequest.ZERO_TIME,
                    "", hostinfo("x"), null)))
                    .isInstanceOf(java.io.IOException.class);
        }
    }

    @Test
    void anInvalidAuthKeyIsRefusedInTheResponse() throws Exception {
        PublicKey serverKey = ControlClient.fetchServerKey(server(), Duration.ofSeconds(10));
        try (ControlClient control = new ControlClient(server(), PrivateKey.generate(KeyKind.MACHINE), serverKey,
                Duration.ofSeconds(30))) {
            RegisterResponse r = control.register(new RegisterRequest(ControlClient.CAPABILITY_VERSION,
                    PrivateKey.generate(KeyKind.NODE).publicKey().toString(), null,
                    new RegisterRequest.Auth("not-a-real-key"), RegisterRequest.ZERO_TIME, "", hostinfo("bad"), null));
            assertThat(r.machineAuthorized()).isFalse();
            assertThat(r.error()).isNotBlank();
        }
    }

    @Test
    void theKeyEndpointOfANonControlServerIsReportedClearly() {
        assertThatThrownBy(() -> ControlClient.fetchServerKey(URI.create(tailnet.headscale().url() + "/nothing-here/"),
                Duration.ofSeconds(5)))
                .isInstanceOfAny(ControlHttpException.class, ControlProtocolException.class);
    }
}
