package io.microlink.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.airlift.compress.zstd.ZstdCompressor;
import io.microlink.control.noise.ControlProtocolException;
import io.microlink.control.wire.MapResponse;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import okio.Okio;
import org.junit.jupiter.api.Test;

class MapFrameReaderTest {
    private static byte[] frame(byte[] body) {
        return ByteBuffer.allocate(4 + body.length).order(ByteOrder.LITTLE_ENDIAN).putInt(body.length).put(body).array();
    }

    private static byte[] zstd(byte[] data) {
        ZstdCompressor c = new ZstdCompressor();
        byte[] out = new byte[c.maxCompressedLength(data.length)];
        int n = c.compress(data, 0, data.length, out, 0, out.length);
        return Arrays.copyOf(out, n);
    }

    private static MapFrameReader reader(byte[]... frames) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] f : frames) {
            all.writeBytes(f);
        }
        return new MapFrameReader(new ByteArrayInputStream(all.toByteArray()), ControlClient.JSON);
    }

    @Test
    void readsPlainAndZstdMessagesInTurnThenEnds() throws Exception {
        byte[] json = "{\"Domain\":\"tailnet.test\",\"PeersRemoved\":[7],\"ControlTime\":\"2026-11-21T20:00:00.5Z\"}"
                .getBytes(StandardCharsets.UTF_8);
        MapFrameReader r = reader(frame("{\"KeepAlive\":true}".getBytes()), frame(zstd(json)));
        assertThat(r.next().keepAlive()).isTrue();
        MapResponse m = r.next();
        assertThat(m.domain()).isEqualTo("tailnet.test");
        assertThat(m.peersRemoved()).containsExactly(7L);
        assertThat(m.controlTime()).hasToString("2026-11-21T20:00:00.500Z");
        assertThat(r.next()).isNull();
    }

    @Test
    void anOversizedLengthIsRefusedBeforeReading() {
        byte[] huge = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(MapFrameReader.MAX_FRAME + 1).array();
        assertThatThrownBy(() -> reader(huge).next()).isInstanceOf(ControlProtocolException.class)
                .hasMessageContaining("exceeds");
    }

    @Test
    void aTruncatedMessageEndsTheStream() {
        byte[] cut = Arrays.copyOf(frame("{\"Domain\":\"x\"}".getBytes()), 8);
        assertThatThrownBy(() -> reader(cut).next()).isInstanceOf(EOFException.class);
    }

    /**
     * A message is handed over once its last byte is in, also on the stream OkHttp gives us (Okio's),
     * which blocks a read of zero bytes until more data comes. The long poll stays open and quiet
     * after a message until control's next one, maybe a keep-alive a minute later; a peer's expiry
     * must not wait for that.
     */
    @Test
    void eachMessageIsReadWithoutWaitingForTheNext() {
        byte[] second = frame("{\"Domain\":\"second.test\"}".getBytes());
        InputStream okhttpBody = Okio.buffer(Okio.source(new QuietAfter(List.of(
                frame("{\"Domain\":\"first.test\"}".getBytes()),
                Arrays.copyOf(second, 4), // the next length prefix alone, its message after it
                Arrays.copyOfRange(second, 4, second.length))))).inputStream();
        MapFrameReader r = new MapFrameReader(okhttpBody, ControlClient.JSON);
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            assertThat(r.next().domain()).isEqualTo("first.test");
            assertThat(r.next().domain()).isEqualTo("second.test");
        }, "a message was held back until more data came");
    }

    /** A connection that delivers these chunks, one per read, and then stays open and silent. */
    private static final class QuietAfter extends InputStream {
        private final ArrayDeque<byte[]> chunks;

        QuietAfter(List<byte[]> chunks) {
            this.chunks = new ArrayDeque<>(chunks);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            byte[] chunk = chunks.peek();
            if (chunk == null) {
                try {
                    new CountDownLatch(1).await(); // until the test gives up on us
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new InterruptedIOException("nothing more came");
            }
            int n = Math.min(len, chunk.length);
            System.arraycopy(chunk, 0, b, off, n);
            chunks.poll();
            if (n < chunk.length) {
                chunks.push(Arrays.copyOfRange(chunk, n, chunk.length));
            }
            return n;
        }
    }

    /** What the Noise layer throws for a record that fails authentication ends the stream, and so the session. */
    @Test
    void aCorruptRecordBelowEndsTheStreamRatherThanBeingSkipped() throws Exception {
        byte[] good = frame("{\"Domain\":\"good.test\"}".getBytes());
        java.io.InputStream broken = new java.io.SequenceInputStream(new ByteArrayInputStream(good),
                new java.io.InputStream() {
                    @Override
                    public int read() throws IOException {
                        throw new ControlProtocolException("Noise record failed authentication");
                    }
                });
        MapFrameReader r = new MapFrameReader(broken, ControlClient.JSON);
        assertThat(r.next().domain()).isEqualTo("good.test");
        assertThatThrownBy(r::next).isInstanceOf(ControlProtocolException.class).hasMessageContaining("authentication");
    }

    /** A delta after a message we could not read would apply to the wrong netmap: the session ends instead. */
    @Test
    void aMessageThatDoesNotDecodeEndsTheStreamWithAClearError() throws Exception {
        byte[] corrupt = zstd("{\"Domain\":\"tailnet.test\"}".getBytes());
        corrupt[corrupt.length - 3] ^= 0x55;
        byte[] wrongJson = "{\"Peers\":\"not a list\"}".getBytes();
        byte[] good = frame("{\"Domain\":\"good.test\"}".getBytes());
        assertThatThrownBy(() -> reader(frame(corrupt), good).next()).isInstanceOf(ControlProtocolException.class)
                .hasMessageContaining("could not be decompressed");
        assertThatThrownBy(() -> reader(frame(wrongJson), good).next()).isInstanceOf(ControlProtocolException.class)
                .hasMessageContaining("not the JSON we expect");
    }

    @Test
    void aMessageOverTheDecompressedLimitFailsWithAClearError() {
        MapFrameReader r = reader();
        assertThatThrownBy(() -> r.parse(zstd(bomb(MapFrameReader.MAX_JSON + 1))))
                .isInstanceOf(ControlProtocolException.class)
                .hasMessage("map message decompresses beyond the limit of 48 MiB per message");
    }

    /** A full map of 10,000 peers as tailscale's control describes them fits the limits, with room to spare. */
    @Test
    void aTenThousandPeerMapFitsTheLimitsTwiceOver() throws Exception {
        StringBuilder json = new StringBuilder("{\"Domain\":\"tailnet.test\",\"Peers\":[");
        for (int i = 0; i < 10_000; i++) {
            json.append(i == 0 ? "" : ",").append(peer(i));
        }
        byte[] body = json.append("]}").toString().getBytes(StandardCharsets.UTF_8);
        assertThat((long) body.length * 2).isLessThan(MapFrameReader.MAX_JSON);
        byte[] compressed = zstd(body);
        assertThat(compressed.length * 2).isLessThan(MapFrameReader.MAX_FRAME);
        assertThat(reader(frame(compressed)).next().peers()).hasSize(10_000);
    }

    /** One peer as tailscale's control sends it: keys, addresses, endpoints, host info, capabilities. */
    private static String peer(int i) {
        String hex = String.format("%064x", i);
        return ("{\"ID\":%d,\"StableID\":\"n%sCNTRL\",\"Name\":\"host-%d.tail1234.ts.net.\",\"User\":%d,"
                + "\"Key\":\"nodekey:%s\",\"KeyExpiry\":\"2027-05-01T10:00:00Z\",\"Machine\":\"mkey:%s\","
                + "\"DiscoKey\":\"discokey:%s\",\"Addresses\":[\"100.64.%d.%d/32\",\"fd7a:115c:a1e0::%x/128\"],"
                + "\"AllowedIPs\":[\"100.64.%d.%d/32\",\"fd7a:115c:a1e0::%x/128\"],"
                + "\"Endpoints\":[\"203.0.113.%d:41641\",\"192.168.1.%d:41641\",\"[2001:db8::%x]:41641\","
                + "\"172.17.0.1:41641\"],\"HomeDERP\":%d,\"Hostinfo\":{\"IPNVersion\":\"1.80.3-t1234567-g89abcdef\","
                + "\"OS\":\"linux\",\"OSVersion\":\"6.8.0-45-generic\",\"Distro\":\"ubuntu\",\"DistroVersion\":\"24.04\","
                + "\"Hostname\":\"host-%d\",\"Machine\":\"x86_64\",\"GoArch\":\"amd64\",\"Services\":["
                + "{\"Proto\":\"tcp\",\"Port\":22,\"Description\":\"sshd\"},{\"Proto\":\"peerapi4\",\"Port\":%d},"
                + "{\"Proto\":\"peerapi6\",\"Port\":%d}],\"NetInfo\":{\"MappingVariesByDestIP\":false,"
                + "\"WorkingIPv6\":true,\"WorkingUDP\":true,\"PreferredDERP\":%d,\"DERPLatency\":{\"1-v4\":0.012,"
                + "\"2-v4\":0.034,\"3-v4\":0.081}}},\"Created\":\"2026-01-02T03:04:05Z\",\"Cap\":113,"
                + "\"Tags\":[\"tag:server\"],\"Online\":true,\"LastSeen\":\"2026-11-21T20:00:00Z\","
                + "\"MachineAuthorized\":true,\"CapMap\":{\"https://tailscale.com/cap/file-sharing\":null,"
                + "\"https://tailscale.com/cap/ssh\":null,\"https://tailscale.com/cap/funnel\":null},"
                + "\"ComputedName\":\"host-%d\",\"ComputedNameWithHost\":\"host-%d\"}")
                .formatted(i, Integer.toHexString(i), i, i % 50, hex, hex, hex, i / 250, i % 250, i,
                        i / 250, i % 250, i, i % 250, i % 250, i, i % 30 + 1, i, 30000 + i % 1000, 30000 + i % 1000,
                        i % 30 + 1, i, i);
    }

    /** A valid JSON message of {@code size} bytes, almost all of it white space: it compresses to almost nothing. */
    private static byte[] bomb(long size) {
        byte[] b = new byte[(int) size];
        Arrays.fill(b, (byte) ' ');
        b[0] = '{';
        b[b.length - 1] = '}';
        return b;
    }
}
