package io.microlink.derp;

import io.microlink.key.KeyKind;
import io.microlink.key.PrivateKey;
import io.microlink.key.PublicKey;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Just enough of a DERP server for client tests: the upgrade and the login, then whatever the test sends. */
final class FakeRelay {
    private FakeRelay() {}

    /** Answers the upgrade and logs the client in on {@code s}; returns the client's node key. */
    static PublicKey login(Socket s, PrivateKey serverKey) throws IOException, io.microlink.crypto.CryptoException {
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream();
        byte[] last4 = new byte[4];
        while (!Arrays.equals(last4, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII))) {
            System.arraycopy(last4, 1, last4, 0, 3);
            last4[3] = (byte) in.read();
        }
        out.write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: DERP\r\nConnection: Upgrade\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
        return loginAfterUpgrade(in, out, serverKey);
    }

    /** Logs the client in over streams already upgraded (to DERP or a WebSocket); returns its node key. */
    static PublicKey loginAfterUpgrade(InputStream in, OutputStream out, PrivateKey serverKey)
            throws IOException, io.microlink.crypto.CryptoException {
        out.write(DerpFrame.encode(FrameType.SERVER_KEY,
                ByteBuffer.allocate(40).put(DerpHandshake.MAGIC).put(serverKey.publicKey().raw()).array()));
        out.flush();
        DerpFrame info = DerpFrame.read(in);
        PublicKey client = PublicKey.of(KeyKind.NODE, Arrays.copyOf(info.payload(), 32));
        out.write(DerpFrame.encode(FrameType.SERVER_INFO,
                serverKey.boxTo(client).seal("{\"version\":2}".getBytes(StandardCharsets.UTF_8))));
        out.flush();
        return client;
    }
}
