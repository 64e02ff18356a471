package io.microlink.daemon.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The reply line read in blocks, with what was read past it kept for the stream that follows. */
class ReplyHeadTest {
    /** A channel over fixed bytes that counts its reads and gives at most {@code chunk} bytes a read. */
    private static final class Source implements ReadableByteChannel {
        private final ByteBuffer data;
        private final int chunk;
        final List<Integer> reads = new ArrayList<>();

        Source(byte[] data, int chunk) {
            this.data = ByteBuffer.wrap(data);
            this.chunk = chunk;
        }

        @Override
        public int read(ByteBuffer dst) {
            if (!data.hasRemaining()) {
                reads.add(-1);
                return -1;
            }
            int n = Math.min(Math.min(chunk, dst.remaining()), data.remaining());
            dst.put(data.slice(data.position(), n));
            data.position(data.position() + n);
            reads.add(n);
            return n;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {}
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void readsTheLineInBlocksAndHandsOnWhatFollowedIt() throws IOException {
        String line = "{\"ok\":true,\"result\":{\"bytes\":5}}";
        Source in = new Source(ascii(line + "\nhello"), Integer.MAX_VALUE);
        ReplyHead head = ReplyHead.read(in, 1 << 20);
        assertThat(new String(head.line(), StandardCharsets.US_ASCII)).isEqualTo(line);
        assertThat(StandardCharsets.US_ASCII.decode(head.overRead()).toString()).isEqualTo("hello");
        assertThat(in.reads).containsExactly(line.length() + 6);   // one system call, not one per byte
    }

    @Test
    void aLineLongerThanOneBlockArrivingInPiecesIsWhole() throws IOException {
        byte[] line = new byte[50_000];
        Arrays.fill(line, (byte) 'a');
        byte[] all = Arrays.copyOf(line, line.length + 4);
        all[line.length] = '\n';
        all[line.length + 1] = 'x';
        Source in = new Source(all, 3000);
        ReplyHead head = ReplyHead.read(in, 1 << 20);
        assertThat(head.line()).isEqualTo(line);
        assertThat(head.overRead().remaining()).isEqualTo(3);
        assertThat(in.reads).hasSizeLessThan(20);
    }

    @Test
    void anEmptyLineAndTheEndOfInput() throws IOException {
        ReplyHead head = ReplyHead.read(new Source(ascii("\n"), 10), 16);
        assertThat(head.line()).isEmpty();
        assertThat(head.overRead().remaining()).isZero();
        assertThat(ReplyHead.read(new Source(new byte[0], 10), 16)).isNull();
        assertThatThrownBy(() -> ReplyHead.read(new Source(ascii("{\"ok\""), 10), 16))
                .isInstanceOf(EOFException.class);
    }

    @Test
    void aLineOverTheBoundFailsWithoutBufferingTheRest() throws IOException {
        byte[] endless = new byte[10_000_000];   // no newline at all
        Source in = new Source(endless, Integer.MAX_VALUE);
        assertThatThrownBy(() -> ReplyHead.read(in, 100)).hasMessage("line longer than 100 bytes");
        assertThat(in.reads.stream().mapToInt(Integer::intValue).sum()).isEqualTo(101);
        // Exactly at the bound is still a line.
        byte[] full = new byte[101];
        full[100] = '\n';
        assertThat(ReplyHead.read(new Source(full, 7), 100)).isNotNull();
    }
}
