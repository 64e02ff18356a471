package io.microlink.netcheck;

import static org.assertj.core.api.Assertions.assertThat;

import io.microlink.control.wire.DerpMap;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NetcheckRoundTest {
    private static final DerpMap MAP = new DerpMap(Map.of(1, new DerpMap.Region(1, "test", "Test", false,
            List.of(new DerpMap.DerpNode("1a", 1, "derp.test", null, "127.0.0.1", "none", 3478, false, 443, false)))));

    private static byte[] response(byte[] txId, byte[] attributes) {
        return ByteBuffer.allocate(20 + attributes.length).putShort((short) 0x0101).putShort((short) attributes.length)
                .putInt(0x2112A442).put(txId).put(attributes).array();
    }

    @Test
    void hostileAnswersToOurOwnTransactionAreDroppedWithoutAnException() {
        NetcheckRound round = new NetcheckRound(MAP, new Random(1));
        byte[] request = round.requests(0).getFirst().packet();
        byte[] tx = java.util.Arrays.copyOfRange(request, 8, 20);
        assertThat(round.accept(response(tx, new byte[] {0x00, 0x20, 0x00, 0x00}), 1)).isFalse();
        assertThat(round.accept(new byte[3], 1)).isFalse();
        assertThat(round.complete()).isFalse();
    }

    @Test
    void answersToTransactionsWeNeverStartedAreNotParsed() {
        NetcheckRound round = new NetcheckRound(MAP, new Random(1));
        round.requests(0);
        byte[] valid = response(new byte[12], new byte[] {0x00, 0x20, 0x00, 0x08, 0x00, 0x01, 0x00, 0x01, 1, 2, 3, 4});
        assertThat(round.accept(valid, 1)).isFalse();
    }

    @Test
    void anAnswerToOurTransactionCompletesTheRegion() {
        NetcheckRound round = new NetcheckRound(MAP, new Random(1));
        byte[] tx = java.util.Arrays.copyOfRange(round.requests(0).getFirst().packet(), 8, 20);
        byte[] attr = {0x00, 0x20, 0x00, 0x08, 0x00, 0x01, (byte) 0xa1, 0x47, (byte) 0xe1, 0x12, (byte) 0xa6, 0x43};
        assertThat(round.accept(response(tx, attr), 5_000_000)).isTrue();
        assertThat(round.complete()).isTrue();
        assertThat(round.report(java.time.Instant.EPOCH).globalV4()).hasToString("/192.0.2.1:32853");
    }
}
