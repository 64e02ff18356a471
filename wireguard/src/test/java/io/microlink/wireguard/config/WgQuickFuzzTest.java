package io.microlink.wireguard.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

class WgQuickFuzzTest {

    /**
     * A config file of any bytes (read as UTF-8, as the parser's file overload does) parses or fails with ConfigException naming the file; a parsed
     * one has a private key and peers with distinct public keys.
     */
    @FuzzTest
    void parse(byte[] file) {
        try {
            InterfaceConfig c = WgQuickParser.parse("fuzz.conf", "wg0", new String(file, StandardCharsets.UTF_8));
            assertThat(c.peers().stream().map(PeerConfig::publicKey).distinct().count()).isEqualTo(c.peers().size());
        } catch (ConfigException expected) {
            assertThat(expected.getMessage()).contains("fuzz.conf");
        }
    }
}
