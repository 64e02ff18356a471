package io.microlink.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class HSalsa20Test {
    // NaCl tests/core1.c (libsodium test/default/core1.c): HSalsa20 of the RFC 7748 §6.1 shared
    // secret with a zero input gives the box key "firstkey".
    @Test
    void naclCore1FirstKey() {
        HexFormat hex = HexFormat.of();
        byte[] shared = hex.parseHex("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
        assertThat(hex.formatHex(HSalsa20.subkey(shared, new byte[16])))
                .isEqualTo("1b27556473e985d462cd51197a9a46c76009549eac6474f206c4ee0844f68389");
    }
}
