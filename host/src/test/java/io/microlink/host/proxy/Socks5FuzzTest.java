package io.microlink.host.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

class Socks5FuzzTest {

    /**
     * A client's greeting, its username and password when it offers RFC 1929 (as a proxy with
     * credentials asks), and its request, as any bytes, are read or refused with Socks5's
     * ProtocolException (which carries the reply to send) or EOFException, nothing else.
     */
    @FuzzTest
    void greetingAndRequest(byte[] stream) {
        ByteArrayInputStream in = new ByteArrayInputStream(stream);
        try {
            if (Socks5.readGreeting(in, Socks5.USERNAME_PASSWORD)) {
                Socks5.readUsernamePassword(in);
            }
            Socks5.Request r = Socks5.readRequest(in);
            assertThat(r.port()).isBetween(0, 65535);
            assertThat(r.host()).isNotEmpty();
        } catch (Socks5.ProtocolException | EOFException expected) {
            // the declared failures
        } catch (IOException e) {
            throw new AssertionError("unexpected failure type from a byte array", e);
        }
    }

    /** A username and password, written as RFC 1929 frames them, read back as sent. */
    @FuzzTest
    void usernamePasswordRoundTrip(FuzzedDataProvider data) throws IOException {
        byte[] username = data.consumeBytes(255);
        byte[] password = data.consumeBytes(255);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {Socks5.USERNAME_PASSWORD_VERSION, (byte) username.length});
        out.writeBytes(username);
        out.write(password.length);
        out.writeBytes(password);
        Socks5.UsernamePassword read = Socks5.readUsernamePassword(new ByteArrayInputStream(out.toByteArray()));
        assertThat(read.username()).isEqualTo(username);
        assertThat(read.password()).isEqualTo(password);
    }

    /** A request for a domain name, written as RFC 1928 frames it, reads back as sent. */
    @FuzzTest
    void domainRequestRoundTrip(FuzzedDataProvider data) throws IOException {
        int command = data.consumeInt(1, 3);
        byte[] name = data.consumeBytes(255);
        int port = data.consumeInt(0, 65535);
        if (name.length == 0) {
            return;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {5, (byte) command, 0, 3, (byte) name.length});
        out.writeBytes(name);
        out.writeBytes(new byte[] {(byte) (port >>> 8), (byte) port});
        Socks5.Request r = Socks5.readRequest(new ByteArrayInputStream(out.toByteArray()));
        assertThat(r).isEqualTo(new Socks5.Request(command, new String(name, StandardCharsets.ISO_8859_1), port));
    }
}
