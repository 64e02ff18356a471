package io.microlink.host.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** RFC 1928 messages from bytes, including the ones a server must refuse. */
class Socks5Test {
    private static ByteArrayInputStream bytes(String hex) {
        return new ByteArrayInputStream(HexFormat.of().parseHex(hex));
    }

    @Test
    void aGreetingOfferingNoAuthenticationAmongOthersIsAccepted() throws Exception {
        assertThat(Socks5.readGreeting(bytes("05020200"), Socks5.NO_AUTHENTICATION)).isTrue();
        assertThat(Socks5.readGreeting(bytes("050100"), Socks5.NO_AUTHENTICATION)).isTrue();
    }

    @Test
    void withCredentialsOnlyTheUsernamePasswordMethodIsChosen() throws Exception {
        assertThat(Socks5.readGreeting(bytes("05020002"), Socks5.USERNAME_PASSWORD)).isTrue();
        assertThat(Socks5.readGreeting(bytes("050100"), Socks5.USERNAME_PASSWORD)).as("no authentication only")
                .isFalse();
        assertThat(Socks5.methodChoice(Socks5.USERNAME_PASSWORD, true)).containsExactly(0x05, 0x02);
        assertThat(Socks5.methodChoice(Socks5.USERNAME_PASSWORD, false)).containsExactly(0x05, 0xff);
    }

    @Test
    void aUsernamePasswordRequestIsReadAsRfc1929WritesIt() throws Exception {
        Socks5.UsernamePassword up = Socks5.readUsernamePassword(bytes("01" + "05616c696365" + "03707721"));
        assertThat(new String(up.username(), StandardCharsets.UTF_8)).isEqualTo("alice");
        assertThat(new String(up.password(), StandardCharsets.UTF_8)).isEqualTo("pw!");
        assertThat(up.toString()).doesNotContain("pw!");
        Socks5.UsernamePassword empty = Socks5.readUsernamePassword(bytes("010000"));
        assertThat(empty.username()).isEmpty();
        assertThat(empty.password()).isEmpty();
        assertThatThrownBy(() -> Socks5.readUsernamePassword(bytes("05" + "05616c696365" + "03707721")))
                .isInstanceOfSatisfying(Socks5.ProtocolException.class,
                        e -> assertThat(e.reply()).isEqualTo(Socks5.CLOSE_WITHOUT_REPLY));
        assertThatThrownBy(() -> Socks5.readUsernamePassword(bytes("0105616c69"))).isInstanceOf(EOFException.class);
        assertThat(Socks5.usernamePasswordReply(true)).containsExactly(0x01, 0x00);
        assertThat(Socks5.usernamePasswordReply(false)).containsExactly(0x01, 0x01);
    }

    @Test
    void aGreetingWithoutNoAuthenticationIsAnsweredNoAcceptableMethod() throws Exception {
        assertThat(Socks5.readGreeting(bytes("05010102"), Socks5.NO_AUTHENTICATION)).isFalse(); // GSSAPI only
        assertThat(Socks5.methodChoice(Socks5.NO_AUTHENTICATION, false)).containsExactly(0x05, 0xff);
        assertThat(Socks5.methodChoice(Socks5.NO_AUTHENTICATION, true)).containsExactly(0x05, 0x00);
    }

    @Test
    void socks4AndOtherVersionsAreClosedWithoutAReply() {
        assertThatThrownBy(() -> Socks5.readGreeting(bytes("040100500a000001"), Socks5.NO_AUTHENTICATION))
                .isInstanceOfSatisfying(Socks5.ProtocolException.class,
                        e -> assertThat(e.reply()).isEqualTo(Socks5.CLOSE_WITHOUT_REPLY));
        assertThatThrownBy(() -> Socks5.readGreeting(bytes("0500"), Socks5.NO_AUTHENTICATION))
                .isInstanceOfSatisfying(Socks5.ProtocolException.class,
                        e -> assertThat(e.reply()).isEqualTo(Socks5.CLOSE_WITHOUT_REPLY));
    }

    @Test
    void truncatedMessagesEndInEof() {
        assertThatThrownBy(() -> Socks5.readGreeting(bytes(""), Socks5.NO_AUTHENTICATION)).isInstanceOf(EOFException.class);
        assertThatThrownBy(() -> Socks5.readGreeting(bytes("050300"), Socks5.NO_AUTHENTICATION)).isInstanceOf(EOFException.class);
        assertThatThrownBy(() -> Socks5.readRequest(bytes("05010001640040"))).isInstanceOf(EOFException.class);
        assertThatThrownBy(() -> Socks5.readRequest(bytes("0501000305747331"))).isInstanceOf(EOFException.class);
        assertThatThrownBy(() -> Socks5.readRequest(bytes("050100016400400201"))).isInstanceOf(EOFException.class);
    }

    @Test
    void requestsForEachAddressTypeAreRead() throws Exception {
        assertThat(Socks5.readRequest(bytes("0501000164400002" + "1f90")))
                .isEqualTo(new Socks5.Request(Socks5.CONNECT, "100.64.0.2", 8080));
        assertThat(Socks5.readRequest(bytes("05010004fd7a115ca1e000000000000000000002" + "0050")).host())
                .satisfies(h -> assertThat(InetAddress.ofLiteral(h)).isEqualTo(InetAddress.ofLiteral("fd7a:115c:a1e0::2")));
        assertThat(Socks5.readRequest(bytes("0501000310" + hex("ts1.tailnet.test") + "0016")))
                .isEqualTo(new Socks5.Request(Socks5.CONNECT, "ts1.tailnet.test", 22));
    }

    @Test
    void otherCommandsAreReadWholeSoTheServerCanAnswerThem() throws Exception {
        assertThat(Socks5.readRequest(bytes("05020001" + "7f000001" + "0050")).command()).isEqualTo(2); // BIND
        assertThat(Socks5.readRequest(bytes("05030001" + "00000000" + "0000")).command()).isEqualTo(3); // UDP
    }

    @Test
    void anUnknownAddressTypeOrAnEmptyNameGetsItsReplyCode() {
        assertThatThrownBy(() -> Socks5.readRequest(bytes("05010002" + "00000000")))
                .isInstanceOfSatisfying(Socks5.ProtocolException.class,
                        e -> assertThat(e.reply()).isEqualTo(Socks5.ADDRESS_TYPE_NOT_SUPPORTED));
        assertThatThrownBy(() -> Socks5.readRequest(bytes("0501000300" + "0050")))
                .isInstanceOfSatisfying(Socks5.ProtocolException.class,
                        e -> assertThat(e.reply()).isEqualTo(Socks5.GENERAL_FAILURE));
        assertThatThrownBy(() -> Socks5.readRequest(bytes("04010001" + "7f000001" + "0050")))
                .isInstanceOfSatisfying(Socks5.ProtocolException.class,
                        e -> assertThat(e.reply()).isEqualTo(Socks5.CLOSE_WITHOUT_REPLY));
    }

    @Test
    void repliesCarryTheBoundAddressOfItsFamilyOrZeroes() {
        assertThat(HexFormat.of().formatHex(Socks5.reply(Socks5.SUCCEEDED,
                new InetSocketAddress(InetAddress.ofLiteral("100.64.0.1"), 40000)))).isEqualTo("05000001644000019c40");
        assertThat(HexFormat.of().formatHex(Socks5.reply(Socks5.SUCCEEDED,
                new InetSocketAddress(InetAddress.ofLiteral("fd7a:115c:a1e0::1"), 1))))
                .isEqualTo("05000004fd7a115ca1e0000000000000000000010001");
        assertThat(HexFormat.of().formatHex(Socks5.reply(Socks5.CONNECTION_REFUSED, null)))
                .isEqualTo("05050001000000000000");
    }

    private static String hex(String ascii) {
        return HexFormat.of().formatHex(ascii.getBytes());
    }
}
