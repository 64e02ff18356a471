package io.microlink.control;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.microlink.control.noise.ControlProtocolException;
import io.microlink.control.wire.MapResponse;
import io.microlink.control.wire.Node;
import io.microlink.netmap.Netmap;
import io.microlink.netmap.NetmapUpdater;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;

class MapFrameFuzzTest {

    /**
     * The map stream from control (u32 LE length, then JSON or a zstd frame of JSON) yields
     * MapResponses until a clean end or an EOFException or ControlProtocolException: corrupt
     * zstd, wrong JSON and oversized lengths all surface as the declared type.
     */
    @FuzzTest
    void mapStream(byte[] stream) {
        MapFrameReader reader = new MapFrameReader(new ByteArrayInputStream(stream), ControlClient.JSON);
        int messages = 0;
        try {
            while (reader.next() != null) {
                messages++;
            }
            assertThat(messages * 4).isLessThanOrEqualTo(stream.length);
        } catch (EOFException | ControlProtocolException expected) {
            // the declared failures
        } catch (IOException e) {
            throw new AssertionError("unexpected failure type from a byte array", e);
        }
    }

    /**
     * What the map stream decodes is applied to the netmap in turn, as the control loop applies
     * it (full peer lists, deltas, patches, online and seen changes, filters, users): no
     * exception escapes, and every peer of the result is found again by its ID and its address.
     */
    @FuzzTest
    void mapStreamApplied(byte[] stream) {
        MapFrameReader reader = new MapFrameReader(new ByteArrayInputStream(stream), ControlClient.JSON);
        Netmap netmap = NetmapUpdater.empty();
        try {
            for (MapResponse r; (r = reader.next()) != null; ) {
                netmap = NetmapUpdater.apply(netmap, r).netmap();
                for (Node p : netmap.peers()) {
                    assertThat(netmap.peer(p.id())).contains(p);
                }
                assertThat(netmap.packetFilter()).isNotNull();
            }
        } catch (EOFException | ControlProtocolException expected) {
            // the declared failures
        } catch (IOException e) {
            throw new AssertionError("unexpected failure type from a byte array", e);
        }
    }
}
