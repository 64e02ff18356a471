package io.microlink.netcheck;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.microlink.control.wire.DerpMap;
import io.microlink.stun.StunMessage;
import java.util.List;
import java.util.Map;
import java.util.Random;

class NetcheckFuzzTest {
    private static final DerpMap MAP = new DerpMap(Map.of(1, new DerpMap.Region(1, "test", "Test", false,
            List.of(new DerpMap.DerpNode("1a", 1, "derp.test", null, "127.0.0.1", "::1", 3478, false, 443, false)))));

    /**
     * Any datagram, with the transaction ID of a pending probe put into it so the parse is reached,
     * is accepted or refused but never throws; an accepted one completes that probe only once.
     */
    @FuzzTest
    void accept(byte[] datagram) {
        NetcheckRound round = new NetcheckRound(MAP, new Random(1));
        List<NetcheckRound.Request> requests = round.requests(0);
        if (datagram.length >= StunMessage.HEADER) {
            byte[] pending = requests.get(datagram[datagram.length - 1] & 1).packet();
            System.arraycopy(pending, 8, datagram, 8, StunMessage.TX_ID_LENGTH);
        }
        if (round.accept(datagram, 1_000)) {
            assertThat(round.accept(datagram, 2_000)).as("a probe answers once").isFalse();
        }
    }
}
