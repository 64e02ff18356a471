package io.microlink.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.airlift.compress.zstd.ZstdCompressor;
import io.microlink.control.noise.ControlProtocolException;
import io.microlink.control.wire.MapResponse;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
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
    void truncatedCorruptAndUnexpectedInputFailCleanly() {
        byte[] cut = Arrays.copyOf(frame("{\"Domain\":\"x\"}".getBytes()), 8);
        assertThatThrownBy(() -> reader(cut).next()).isInstanceOf(EOFException.class);
        byte[] corrupt = zstd("{\"Domain\":\"tailnet.test\"}".getBytes());
        corrupt[corrupt.length - 3] ^= 0x55;
        assertThatThrownBy(() -> reader(frame(corrupt)).next()).isInstanceOf(ControlProtocolException.class);
        assertThatThrownBy(() -> reader(frame("{\"Peers\":\"not a list\"}".getBytes())).next())
                .isInstanceOf(ControlProtocolException.class).hasMessageContaining("JSON");
    }
}
