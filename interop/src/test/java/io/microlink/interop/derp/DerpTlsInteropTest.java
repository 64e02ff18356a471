package io.microlink.interop.derp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.microlink.control.ControlClient;
import io.microlink.control.wire.DerpMap;
import io.microlink.control.wire.Hostinfo;
import io.microlink.control.wire.MapRequest;
import io.microlink.control.wire.RegisterRequest;
import io.microlink.derp.DerpClient;
import io.microlink.interop.Headscale;
import io.microlink.interop.TestTailnet;
import io.microlink.key.KeyKind;
import io.microlink.key.PrivateKey;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * DERP over TLS to headscale's embedded relay (self-signed certificate), with the DERP map's
 * trust options: a sha256-raw pin, InsecureForTests, and neither.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class DerpTlsInteropTest {
    @RegisterExtension
    static final TestTailnet tailnet = TestTailnet.create();

    static Headscale hs;
    static PrivateKey nodeKey = PrivateKey.generate(KeyKind.NODE);
    static DerpMap.DerpNode relay;
    static String pin;

    @BeforeAll
    static void registerWithATlsHeadscale() throws Exception {
        hs = Headscale.start(tailnet.dir().resolve("tls-derp"), null, true);
        URI server = URI.create(hs.url());
        try (ControlClient c = new ControlClient(server, PrivateKey.generate(KeyKind.MACHINE),
                ControlClient.fetchServerKey(server, Duration.ofSeconds(10), hs.tlsTrust()), Duration.ofSeconds(60),
                hs.tlsTrust())) {
            Hostinfo hi = new Hostinfo("test", "linux", null, "java-tls-derp", null, true, null);
            c.register(new RegisterRequest(ControlClient.CAPABILITY_VERSION, nodeKey.publicKey().toString(), null,
                    new RegisterRequest.Auth(hs.createAuthKey(hs.createUser("alice"), true, false,
                            Duration.ofHours(1)).key()), RegisterRequest.ZERO_TIME, "", hi, null));
            try (var stream = c.map(new MapRequest(ControlClient.CAPABILITY_VERSION, "zstd", true,
                    nodeKey.publicKey().toString(), PrivateKey.generate(KeyKind.DISCO).publicKey().toString(), true,
                    false, hi, null, null))) {
                relay = stream.next().derpMap().regions().values().iterator().next().nodes().getFirst();
            }
        }
        try (InputStream in = Files.newInputStream(hs.tlsCertificate())) {
            byte[] der = CertificateFactory.getInstance("X.509").generateCertificate(in).getEncoded();
            pin = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(der));
        }
    }

    @AfterAll
    static void stop() {
        hs.close();
    }

    private static DerpMap.DerpNode with(String certName, boolean insecure) {
        return new DerpMap.DerpNode(relay.name(), relay.regionId(), relay.hostName(), certName, relay.ipv4(),
                relay.ipv6(), relay.stunPort(), relay.stunOnly(), relay.derpPort(), insecure);
    }

    private static DerpClient connect(DerpMap.DerpNode node) throws IOException {
        // The JVM's default trust store does not know headscale's self-signed certificate.
        return DerpClient.connect(node, DerpClient.Transport.TLS, ControlClient.defaultTls(), nodeKey, (f, p) -> { },
                () -> { }, Duration.ofSeconds(10));
    }

    @Test
    void aSha256PinAdmitsTheSelfSignedRelay() throws Exception {
        try (DerpClient c = connect(with("sha256-raw:" + pin, false))) {
            assertThat(c.isConnected()).isTrue();
        }
    }

    @Test
    void insecureForTestsStillSpeaksTls() throws Exception {
        try (DerpClient c = connect(with(null, true))) {
            assertThat(c.isConnected()).isTrue();
        }
    }

    @Test
    void aWrongPinOrNoTrustIsRefused() {
        String wrong = "sha256-raw:" + "00".repeat(32);
        assertThatThrownBy(() -> connect(with(wrong, false)).close()).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> connect(with(null, false)).close()).isInstanceOf(IOException.class);
    }
}
