package io.microlink.netstack.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SeqTest {
    @Test
    void comparisonsHoldAcrossTheWrap() {
        assertThat(Seq.lt(0xfffffff0, 0x10)).isTrue();
        assertThat(Seq.gt(0x10, 0xfffffff0)).isTrue();
        assertThat(Seq.leq(5, 5)).isTrue();
        assertThat(Seq.geq(0, 0xffffffff)).isTrue();
        assertThat(Seq.inWindow(0x5, 0xfffffff0, 0x20)).isTrue();
        assertThat(Seq.inWindow(0x10, 0xfffffff0, 0x20)).isFalse();
        assertThat(Seq.inWindow(0xffffffef, 0xfffffff0, 0x20)).isFalse();
    }
}
