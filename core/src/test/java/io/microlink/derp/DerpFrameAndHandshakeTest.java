package io.microlink.derp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.microlink.key.KeyKind;
import io.microlink.key.PrivateKey;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class DerpFrameAndHandshakeTest {
    @Test
    void framesAreTypeThenBigEndianLengthThenPayload() throws Exception {
        byte[] wire = DerpFrame.encode(FrameType.NOTE_PREFERRED, new byte[] {1});
        assertThat(wire).containsExactly(7, 0, 0, 0, 1, 1);
        DerpFrame f = DerpFrame.read(new ByteArrayInputStream(wire));
        assertThat(f.type()).isEqualTo(FrameType.NOTE_PREFERRED);
        assertThat(f.payload()).containsExactly(1);
        assertThat(DerpFrame.read(new ByteArrayInputStream(new byte[0]))).isNull();
    }

    @Test
    void oversizedAndTruncatedFramesFail() {
        byte[] huge = ByteBuffer.allocate(5).put((byte) 5).putInt(DerpFrame.MAX_PAYLOAD + 1).array();
        assertThatThrownBy(() -> DerpFrame.read(new ByteArrayInputStream(huge))).isInstanceOf(DerpProtocolException.class);
        byte[] cut = Arrays.copyOf(DerpFrame.encode(5, new byte[40]), 20);
        assertThatThrownBy(() -> DerpFrame.read(new ByteArrayInputStream(cut))).isInstanceOf(EOFException.class);
    }

    @Test
    void clientInfoCarriesOurKeyAndABoxTheServerCanOpen() throws Exception {
        PrivateKey server = PrivateKey.generate(KeyKind.NODE);
        PrivateKey client = PrivateKey.generate(KeyKind.NODE);
        byte[] serverKeyPayload = ByteBuffer.allocate(40).put(DerpHandshake.MAGIC).put(server.publicKey().raw()).array();
        DerpHandshake hs = new DerpHandshake(client);
        byte[] frame = hs.clientInfo(new DerpFrame(FrameType.SERVER_KEY, serverKeyPayload));
        DerpFrame info = DerpFrame.read(new ByteArrayInputStream(frame));

        assertThat(info.type()).isEqualTo(FrameType.CLIENT_INFO);
        assertThat(Arrays.copyOf(info.payload(), 32)).isEqualTo(client.publicKey().raw());
        byte[] json = server.boxTo(client.publicKey()).open(Arrays.copyOfRange(info.payload(), 32, info.payload().length));
        assertThat(new String(json, StandardCharsets.UTF_8)).contains("\"version\":2");

        byte[] serverInfo = server.boxTo(client.publicKey()).seal("{\"version\":2}".getBytes(StandardCharsets.UTF_8));
        hs.checkServerInfo(new DerpFrame(FrameType.SERVER_INFO, serverInfo));
        assertThat(hs.serverKey()).isEqualTo(server.publicKey());
    }

    @Test
    void aWrongMagicOrAForgedServerInfoIsRejected() throws Exception {
        DerpHandshake hs = new DerpHandshake(PrivateKey.generate(KeyKind.NODE));
        assertThatThrownBy(() -> hs.clientInfo(new DerpFrame(FrameType.SERVER_KEY, new byte[40])))
                .isInstanceOf(DerpProtocolException.class);
        PrivateKey server = PrivateKey.generate(KeyKind.NODE);
        hs.clientInfo(new DerpFrame(FrameType.SERVER_KEY,
                ByteBuffer.allocate(40).put(DerpHandshake.MAGIC).put(server.publicKey().raw()).array()));
        byte[] forged = PrivateKey.generate(KeyKind.NODE).boxTo(server.publicKey()).seal(new byte[5]);
        assertThatThrownBy(() -> hs.checkServerInfo(new DerpFrame(FrameType.SERVER_INFO, forged)))
                .isInstanceOf(DerpProtocolException.class).hasMessageContaining("authenticate");
    }
}
