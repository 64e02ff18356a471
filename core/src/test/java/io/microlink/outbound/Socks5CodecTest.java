package io.microlink.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Known answers laid out by hand from RFC 1928 §3, §4, §6 and RFC 1929 §2. */
class Socks5CodecTest {
    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    @Test
    void greetingOffersNoAuthenticationAndUsernamePasswordOnlyWithCredentials() {
        assertThat(hex(Socks5Codec.greeting(false))).isEqualTo("050100");
        assertThat(hex(Socks5Codec.greeting(true))).isEqualTo("05020002");
    }

    @Test
    void methodReplies() throws Exception {
        assertThat(Socks5Codec.chosenMethod(hex("0500"), false)).isZero();
        assertThat(Socks5Codec.chosenMethod(hex("0500"), true)).isZero();
        assertThat(Socks5Codec.chosenMethod(hex("0502"), true)).isEqualTo(2);
        assertFails(() -> Socks5Codec.chosenMethod(hex("0502"), false), Socks5Codec.Cause.PROTOCOL,
                "chose SOCKS5 method 2, which was not offered");
        assertFails(() -> Socks5Codec.chosenMethod(hex("05ff"), false), Socks5Codec.Cause.CREDENTIALS,
                "wants a user name and password");
        assertFails(() -> Socks5Codec.chosenMethod(hex("05ff"), true), Socks5Codec.Cause.CREDENTIALS,
                "accepts neither no authentication nor a user name and password");
        // An HTTP proxy's "HTTP/1.1 400" starts with 'H'.
        assertFails(() -> Socks5Codec.chosenMethod(hex("4854"), false), Socks5Codec.Cause.PROTOCOL,
                "does not speak SOCKS5 (version byte 72 where 5 belongs)");
        assertFails(() -> Socks5Codec.chosenMethod(hex("05"), false), Socks5Codec.Cause.PROTOCOL,
                "sent a SOCKS5 reply of 1 bytes where 2 belong");
    }

    @Test
    void usernamePasswordRequestAndStatus() throws Exception {
        assertThat(hex(Socks5Codec.authRequest("ann", "pw"))).isEqualTo("01" + "03" + "616e6e" + "02" + "7077");
        assertThat(hex(Socks5Codec.authRequest("ann", ""))).isEqualTo("0103616e6e00");
        assertThat(hex(Socks5Codec.authRequest("é", "x"))).isEqualTo("0102c3a90178");
        Socks5Codec.authAccepted(hex("0100"));
        assertFails(() -> Socks5Codec.authAccepted(hex("0101")), Socks5Codec.Cause.CREDENTIALS,
                "refused the user name and password");
        assertFails(() -> Socks5Codec.authAccepted(hex("0500")), Socks5Codec.Cause.PROTOCOL,
                "does not speak SOCKS5 (version byte 5 where 1 belongs)");
    }

    @Test
    void connectRequestsByNameAndByAddress() throws Exception {
        assertThat(hex(Socks5Codec.connectRequest("derp.example", null, 443)))
                .isEqualTo("05010003" + "0c" + "646572702e6578616d706c65" + "01bb");
        assertThat(hex(Socks5Codec.connectRequest("x", InetAddress.getByName("10.0.0.1"), 8080)))
                .isEqualTo("05010001" + "0a000001" + "1f90");
        assertThat(hex(Socks5Codec.connectRequest("x", InetAddress.getByName("fd00::1"), 65535)))
                .isEqualTo("05010004" + "fd000000000000000000000000000001" + "ffff");
    }

    @Test
    void replyLengthsFollowTheBoundAddressType() throws Exception {
        assertThat(Socks5Codec.replyLength(hex("0500000100"))).isEqualTo(10);
        assertThat(Socks5Codec.replyLength(hex("0500000400"))).isEqualTo(22);
        assertThat(Socks5Codec.replyLength(hex("0500000307"))).isEqualTo(14);
        assertThat(Socks5Codec.replyLength(hex("05000003ff"))).isEqualTo(Socks5Codec.MAX_REPLY_LENGTH);
        assertThat(Socks5Codec.boundPort(hex("05000001 7f000001 0438"))).isEqualTo(1080);
        assertThat(Socks5Codec.boundPort(hex("05000003 01 61 0050"))).isEqualTo(80);
    }

    @Test
    void refusalsNameTheReplyCode() {
        assertFails(() -> Socks5Codec.replyLength(hex("0501000100")), Socks5Codec.Cause.REFUSED,
                "general SOCKS server failure");
        assertFails(() -> Socks5Codec.replyLength(hex("0502000100")), Socks5Codec.Cause.REFUSED,
                "connection not allowed by ruleset");
        assertFails(() -> Socks5Codec.replyLength(hex("0505000100")), Socks5Codec.Cause.REFUSED, "connection refused");
        assertFails(() -> Socks5Codec.replyLength(hex("0508000100")), Socks5Codec.Cause.REFUSED,
                "address type not supported");
        assertFails(() -> Socks5Codec.replyLength(hex("05c8000100")), Socks5Codec.Cause.REFUSED,
                "unassigned reply code 200");
    }

    @Test
    void refusesMalformedReplies() {
        assertFails(() -> Socks5Codec.replyLength(hex("0500010100")), Socks5Codec.Cause.PROTOCOL,
                "sent a SOCKS5 reply with a nonzero reserved byte");
        assertFails(() -> Socks5Codec.replyLength(hex("0500000200")), Socks5Codec.Cause.PROTOCOL,
                "sent a SOCKS5 reply with unknown address type 2");
        assertFails(() -> Socks5Codec.replyLength(hex("0400000100")), Socks5Codec.Cause.PROTOCOL,
                "does not speak SOCKS5 (version byte 4 where 5 belongs)");
        assertFails(() -> Socks5Codec.boundPort(hex("05000001 7f000001 04")), Socks5Codec.Cause.PROTOCOL,
                "sent a SOCKS5 reply of 9 bytes where 10 belong");
        assertFails(() -> Socks5Codec.boundPort(hex("0500")), Socks5Codec.Cause.PROTOCOL, "sent a SOCKS5 reply of 2 bytes");
    }

    private interface Parse {
        void run() throws Exception;
    }

    private static void assertFails(Parse parse, Socks5Codec.Cause cause, String message) {
        assertThatThrownBy(parse::run).isInstanceOfSatisfying(Socks5Codec.Failure.class, f -> {
            assertThat(f.why()).isEqualTo(cause);
            assertThat(f.getMessage()).isEqualTo(message);
        });
    }
}
