package io.microlink.wireguard.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;

/** The device's inbound path: every datagram from the network goes through {@code Engine.receive}. */
class InboundFuzzTest {
    /** Two engines with an established session; A's messages to B are what the fuzzer corrupts. */
    private static final Wire WIRE = established();

    private static Wire established() {
        Wire w = new Wire();
        w.sendFromA(100);
        w.pump();
        return w;
    }

    /**
     * Any datagram (initiation, response, cookie reply, transport data or unknown type) is parsed,
     * counted and dropped without an exception, and nothing forged is delivered.
     */
    @FuzzTest
    void anyDatagram(byte[] datagram) {
        WIRE.deliveredAtB.clear();
        WIRE.b.receive(datagram.clone(), 0, datagram.length, Wire.ADDR_A, WIRE.netB);
        assertThat(WIRE.deliveredAtB).isEmpty();
    }

    /**
     * A real transport message with bytes flipped where the fuzzer says, cut where it says: B
     * delivers it only unchanged, and only once (the AEAD and the replay window hold).
     */
    @FuzzTest
    void corruptedTransportMessage(FuzzedDataProvider data) {
        WIRE.inFlight.clear();
        WIRE.sendFromA(data.consumeInt(20, 300));
        byte[] real = WIRE.inFlight.poll().bytes();
        byte[] sent = real.clone();
        for (int i = data.consumeInt(0, 3); i > 0; i--) {
            sent[data.consumeInt(0, sent.length - 1)] ^= data.consumeByte();
        }
        int length = data.consumeBoolean() ? data.consumeInt(0, sent.length) : sent.length;
        WIRE.deliveredAtB.clear();
        for (int round = 0; round < 2; round++) {
            WIRE.b.receive(sent.clone(), 0, length, Wire.ADDR_A, WIRE.netB);
        }
        boolean intact = length == real.length && Arrays.equals(sent, real);
        assertThat(WIRE.deliveredAtB).hasSize(intact ? 1 : 0);
    }
}
