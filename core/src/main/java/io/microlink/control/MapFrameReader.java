package io.microlink.control;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.airlift.compress.zstd.ZstdInputStream;
import io.microlink.control.noise.ControlProtocolException;
import io.microlink.control.wire.MapResponse;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads the map stream: each message is a u32 <em>little</em>-endian length and that many
 * bytes, either JSON or a zstd frame of JSON. JSON is parsed straight from the
 * decompressing stream, so a large netmap never exists as one decompressed byte array.
 *
 * <p>A message that cannot be framed (a length over the limit, the stream ending inside one)
 * or does not decode (corrupt zstd, JSON we cannot read, more than {@link #MAX_JSON} once
 * decompressed) ends the stream, and so the session, as in tailscale: the messages after a
 * full map are deltas against it, so skipping one would leave the netmap wrong without a
 * sign. The control loop reconnects with backoff and gets a fresh full map.
 */
final class MapFrameReader {
    /** Size limit of one message as sent. A 10,000-peer map compresses well below this. */
    static final int MAX_FRAME = 32 << 20;
    /**
     * Decompressed size limit of one message, against decompression bombs. A full map of
     * 10,000 peers as tailscale's control describes them (host info, endpoints, capabilities;
     * about 1.4 KiB each) is about 14 MiB of JSON ({@code MapFrameReaderTest} builds one);
     * this leaves room for three times that, or large packet filters. tailscale's own client sets no
     * limit here.
     */
    static final long MAX_JSON = 48L << 20;
    private static final int ZSTD_MAGIC = 0xFD2FB528; // bytes 28 B5 2F FD read little-endian

    private final InputStream in;
    private final ObjectMapper json;

    MapFrameReader(InputStream in, ObjectMapper json) {
        this.in = in;
        this.json = json;
    }

    /**
     * The next message, or null when the stream ended cleanly between messages.
     *
     * @throws IOException when the stream breaks or a message cannot be framed or decoded
     */
    MapResponse next() throws IOException {
        byte[] frame = nextFrame();
        return frame == null ? null : parse(frame);
    }

    private byte[] nextFrame() throws IOException {
        byte[] lengthBytes = ExactReads.upTo(in, 4);
        if (lengthBytes.length == 0) {
            return null;
        }
        if (lengthBytes.length < 4) {
            throw new EOFException("map stream ended inside a length prefix");
        }
        long len = littleEndian(lengthBytes, 0) & 0xFFFFFFFFL;
        if (len > MAX_FRAME) {
            throw new ControlProtocolException("map message of " + len + " bytes exceeds the " + MAX_FRAME + "-byte limit");
        }
        return ExactReads.exactly(in, (int) len, "map message");
    }

    MapResponse parse(byte[] frame) throws IOException {
        InputStream body = new ByteArrayInputStream(frame);
        if (frame.length >= 4 && littleEndian(frame, 0) == ZSTD_MAGIC) {
            body = new ZstdInputStream(body);
        }
        try (InputStream limited = new LimitedInputStream(body, MAX_JSON)) {
            return json.readValue(limited, MapResponse.class);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new ControlProtocolException("map message is not the JSON we expect: " + e.getOriginalMessage(), e);
        } catch (ControlProtocolException e) {
            throw e;
        } catch (RuntimeException | IOException e) {
            // aircompressor signals corrupt input with unchecked exceptions, and a truncated frame
            // with an IOException: the frame is in memory, so no other IOException can occur.
            throw new ControlProtocolException("map message could not be decompressed: " + e.getMessage(), e);
        }
    }

    private static int littleEndian(byte[] b, int off) {
        return (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8 | (b[off + 2] & 0xFF) << 16 | (b[off + 3] & 0xFF) << 24;
    }

    /** Fails once more than {@code limit} bytes have been read. */
    private static final class LimitedInputStream extends FilterInputStream {
        private long remaining;

        LimitedInputStream(InputStream in, long limit) {
            super(in);
            this.remaining = limit;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) throws ControlProtocolException {
            remaining -= n;
            if (remaining < 0) {
                throw new ControlProtocolException("map message decompresses beyond the limit of " + (MAX_JSON >> 20)
                        + " MiB per message");
            }
        }
    }
}
