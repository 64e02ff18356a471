package io.microlink.netstack.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ReceiveBufferTest {
    @Test
    void randomArrivalOrderReassemblesTheStream() {
        SplittableRandom random = new SplittableRandom(3);
        byte[] stream = new byte[200_000];
        random.nextBytes(stream);
        ReceiveBuffer buffer = new ReceiveBuffer(8192);
        buffer.allocate();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] chunk = new byte[3000];
        int next = 0;
        while (out.size() < stream.length) {
            int offset = random.nextInt(Math.min(6000, stream.length - next + 1));
            int len = 1 + random.nextInt(1500);
            int at = next + offset;
            len = Math.min(len, stream.length - at);
            if (len > 0) {
                next += buffer.store(offset, stream, at, len);
            }
            if (random.nextInt(4) == 0) {
                int n = buffer.read(chunk, 0, random.nextInt(chunk.length));
                out.write(chunk, 0, n);
            }
            if (next == stream.length) {
                int n = buffer.read(chunk, 0, chunk.length);
                out.write(chunk, 0, n);
            }
        }
        assertThat(out.toByteArray()).isEqualTo(stream);
    }
}
