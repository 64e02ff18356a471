package io.microlink.interop.hardening;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.IntConsumer;

/**
 * A live TCP connection to an echo service, probed one message at a time: does it still carry
 * data both ways? The streams are any socket's (a tailnet socket, a SOCKS5 one).
 */
final class EchoFlow implements AutoCloseable {
    private final InputStream in;
    private final OutputStream out;
    private final IntConsumer setTimeoutMillis;
    private final AutoCloseable socket;
    private int sequence;

    EchoFlow(InputStream in, OutputStream out, IntConsumer setTimeoutMillis, AutoCloseable socket) {
        this.in = in;
        this.out = out;
        this.setTimeoutMillis = setTimeoutMillis;
        this.socket = socket;
    }

    /** Sends a fresh message; true when the same bytes came back within {@code timeout}. */
    boolean carries(Duration timeout) {
        byte[] message = ("probe " + sequence++ + "\n").getBytes();
        try {
            setTimeoutMillis.accept((int) timeout.toMillis());
            out.write(message);
            out.flush();
            return Arrays.equals(in.readNBytes(message.length), message);
        } catch (IOException e) {
            return false; // a timeout, a reset: either way the flow no longer carries data
        }
    }

    @Override
    public void close() throws Exception {
        socket.close();
    }
}
