package io.microlink.wireguard.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.RandomAccessFile;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WgQuickParserTest {
    private static final String PRIV = "yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=";
    private static final String PUB = "xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=";
    private static final String PSK = "FpCyhws9cxwWoV4xELtfJvjJN+zQVRPISllRWgeopVE=";

    private static InterfaceConfig parse(String text) throws ConfigException {
        return WgQuickParser.parse("wg0.conf", "wg0", text);
    }

    @Test
    void aFileFarLargerThanAnyConfigurationIsRefusedUnread(@TempDir Path dir) throws Exception {
        Path huge = dir.resolve("wg0.conf");
        try (RandomAccessFile f = new RandomAccessFile(huge.toFile(), "rw")) {
            f.setLength(WgQuickParser.MAX_FILE_BYTES + 1L); // sparse: costs no disk
        }
        assertThatThrownBy(() -> WgQuickParser.parse(huge)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("larger than 16 MiB");
    }

    @Test
    void readsEverySupportedKey() throws Exception {
        InterfaceConfig c = parse("""
                # a comment
                [Interface]
                PrivateKey = %s
                ListenPort = 51820
                Address = 10.0.0.1/24, fd00::1/64
                MTU = 1380
                DNS = 1.1.1.1

                [Peer]
                PublicKey = %s
                PresharedKey = %s
                AllowedIPs = 10.0.0.2/32, fd00::2/128
                AllowedIPs = 192.168.5.0/24
                Endpoint = [2001:db8::1]:51821
                PersistentKeepalive = 25 # trailing comment
                """.formatted(PRIV, PUB, PSK));
        assertThat(c.name()).isEqualTo("wg0");
        assertThat(c.listenPort()).isEqualTo(51820);
        assertThat(c.mtu()).isEqualTo(1380);
        assertThat(c.addresses()).extracting(IpPrefix::toString).containsExactly("10.0.0.1/24", "fd00:0:0:0:0:0:0:1/64");
        PeerConfig p = c.peers().getFirst();
        assertThat(p.publicKey().toBase64()).isEqualTo(PUB);
        assertThat(p.presharedKey().toBase64()).isEqualTo(PSK);
        assertThat(p.allowedIps()).hasSize(3);
        assertThat(p.endpoint()).isEqualTo("[2001:db8::1]:51821");
        assertThat(p.persistentKeepalive()).isEqualTo(25);
    }

    @Test
    void errorsNameFileLineAndReason() {
        assertThatThrownBy(() -> parse("[Interface]\nPrivateKey = " + PRIV + "\nListenPort = 70000\n"))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.file()).isEqualTo("wg0.conf");
                    assertThat(e.line()).isEqualTo(3);
                    assertThat(e.getMessage()).isEqualTo("wg0.conf:3: ListenPort: '70000' is not a number from 0 to 65535");
                });
        assertThatThrownBy(() -> parse("[Interface]\nPrivateKey = " + PRIV + "\n[Peer]\nAllowedIPs = 10.0.0.0/33\n"))
                .hasMessageContaining("wg0.conf:4:").hasMessageContaining("out of range");
        assertThatThrownBy(() -> parse("[Interface]\nPrivateKey = " + PRIV + "\nFrobnicate = 1\n"))
                .hasMessage("wg0.conf:3: unknown key 'Frobnicate' in [Interface]");
        assertThatThrownBy(() -> parse("[Interface]\nPrivateKey = " + PRIV + "\n\n[Peer]\nEndpoint = a:1\n"))
                .hasMessage("wg0.conf:4: [Peer] has no PublicKey");
        assertThatThrownBy(() -> parse("[Peer]\nPublicKey = " + PUB + "\n"))
                .hasMessage("wg0.conf:0: no [Interface] section");
        assertThatThrownBy(() -> parse("ListenPort = 1\n")).hasMessageContaining("outside any");
        assertThatThrownBy(() -> parse("[Interface]\nPrivateKey = " + PRIV + "\n[Peer]\nPublicKey = " + PUB
                + "\nEndpoint = fd00::1:51820\n")).hasMessageContaining("[address]:port");
    }

    @Test
    void badSecretKeysNeverAppearInMessages() {
        String almost = PRIV.substring(0, 42) + "!";
        assertThatThrownBy(() -> parse("[Interface]\nPrivateKey = " + almost + "\n"))
                .hasMessage("wg0.conf:2: PrivateKey: not valid base64 (43 characters)")
                .message().doesNotContain(almost.substring(0, 10));
        String shortKey = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
        assertThatThrownBy(() -> parse("[Interface]\nPrivateKey = " + PRIV + "\n[Peer]\nPublicKey = " + PUB
                + "\nPresharedKey = " + shortKey + "\n"))
                .hasMessage("wg0.conf:5: PresharedKey: a key is 32 bytes, this one decodes to 24");
    }

    @Test
    void secretsAreHiddenInToString() throws Exception {
        InterfaceConfig c = parse("[Interface]\nPrivateKey = " + PRIV + "\n[Peer]\nPublicKey = " + PUB
                + "\nPresharedKey = " + PSK + "\n");
        assertThat(c.toString()).doesNotContain(PRIV).doesNotContain(PSK).contains(PUB).contains("(hidden)");
    }

    @Test
    void interfaceNameFollowsWgQuickRules() {
        assertThatThrownBy(() -> WgQuickParser.parse("x.conf", "name-too-long-for-linux", "[Interface]\n"))
                .hasMessageContaining("1-15 characters");
    }
}
