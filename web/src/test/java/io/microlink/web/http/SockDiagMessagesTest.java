package io.microlink.web.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class SockDiagMessagesTest {
    private static final InetSocketAddress CLIENT = new InetSocketAddress(InetAddress.ofLiteral("127.0.0.2"), 0x1234);
    private static final InetSocketAddress SERVER = new InetSocketAddress(InetAddress.ofLiteral("127.0.0.1"), 80);

    @Test
    void theRequestAsksForOneTcpSocketByItsFourTuple() {
        ByteBuffer b = ByteBuffer.wrap(SockDiagMessages.request(CLIENT, SERVER, 7)).order(ByteOrder.nativeOrder());
        assertThat(b.capacity()).isEqualTo(72);
        assertThat(b.getInt(0)).as("nlmsg_len").isEqualTo(72);
        assertThat(b.getShort(4)).as("SOCK_DIAG_BY_FAMILY").isEqualTo((short) 20);
        assertThat(b.getShort(6)).as("NLM_F_REQUEST only: one socket, not a dump").isEqualTo((short) 1);
        assertThat(b.getInt(8)).as("sequence").isEqualTo(7);
        assertThat(b.get(16)).as("AF_INET").isEqualTo((byte) 2);
        assertThat(b.get(17)).as("IPPROTO_TCP").isEqualTo((byte) 6);
        assertThat(b.getInt(20)).as("every state").isEqualTo(-1);
        // inet_diag_sockid: ports and addresses in network order, the socket's own first.
        assertThat(HexFormat.of().formatHex(b.array(), 24, 60)).isEqualTo("1234" + "0050"
                + "7f000002" + "00".repeat(12) + "7f000001" + "00".repeat(12));
        assertThat(b.getInt(60)).as("any interface").isZero();
        assertThat(b.getLong(64)).as("INET_DIAG_NOCOOKIE").isEqualTo(-1L);
    }

    @Test
    void anIpv6RequestCarriesSixteenByteAddresses() {
        InetSocketAddress client = new InetSocketAddress(InetAddress.ofLiteral("::1"), 40000);
        byte[] r = SockDiagMessages.request(client, new InetSocketAddress(InetAddress.ofLiteral("::1"), 8080), 1);
        assertThat(r[16]).as("AF_INET6").isEqualTo((byte) 10);
        assertThat(HexFormat.of().formatHex(r, 28, 44)).isEqualTo("00".repeat(15) + "01");
    }

    @Test
    void theOwnerIsReadFromTheAnswerToThisRequestOnly() {
        byte[] answer = answer(20, 7, 88, 65534);
        assertThat(SockDiagMessages.uid(answer, answer.length, 7)).hasValue(65534);
        assertThat(SockDiagMessages.answers(answer, answer.length, 7)).isTrue();
        assertThat(SockDiagMessages.uid(answer, answer.length, 8)).as("another request's answer").isEmpty();
        assertThat(SockDiagMessages.answers(answer, answer.length, 8)).isFalse();
        assertThat(SockDiagMessages.uid(answer, 60, 7)).as("cut short").isEmpty();
    }

    @Test
    void anErrorOrAMalformedHeaderGivesNoOwner() {
        byte[] error = answer(2, 7, 36, 0); // NLMSG_ERROR: -ENOENT, no such socket
        assertThat(SockDiagMessages.uid(error, error.length, 7)).isEqualTo(OptionalInt.empty());
        assertThat(SockDiagMessages.answers(error, error.length, 7)).isTrue();
        byte[] lying = answer(20, 7, 4000, 0);
        assertThat(SockDiagMessages.uid(lying, lying.length, 7)).as("declares more than arrived").isEmpty();
        assertThat(SockDiagMessages.uid(new byte[3], 3, 0)).isEmpty();
    }

    /** A netlink message of {@code type} declaring {@code declared} bytes, with {@code uid} where inet_diag_msg keeps it. */
    private static byte[] answer(int type, int sequence, int declared, int uid) {
        ByteBuffer b = ByteBuffer.allocate(88).order(ByteOrder.nativeOrder());
        b.putInt(0, declared).putShort(4, (short) type).putInt(8, sequence).putInt(80, uid);
        return b.array();
    }
}
