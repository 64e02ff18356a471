package io.microlink.web.http;

import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.OptionalInt;

/**
 * The two netlink messages that ask Linux which local user owns one TCP socket, as {@code ss -e}
 * does: an {@code inet_diag_req_v2} for exactly one socket ({@code SOCK_DIAG_BY_FAMILY}, no dump)
 * and the kernel's {@code inet_diag_msg} answer, whose {@code idiag_uid} is the owner. Layouts
 * from {@code linux/netlink.h}, {@code linux/sock_diag.h} and {@code linux/inet_diag.h}; netlink's
 * own fields are in the host's byte order, the socket's ports and addresses in network order.
 * Sans-I/O: {@link LocalSocketOwners} sends and receives them.
 */
final class SockDiagMessages {
    static final int NETLINK_SOCK_DIAG = 4;
    private static final short SOCK_DIAG_BY_FAMILY = 20;
    private static final short NLMSG_ERROR = 2;
    private static final short NLM_F_REQUEST = 1;
    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;
    private static final int IPPROTO_TCP = 6;
    private static final int NLMSG_HEADER = 16;
    /** nlmsghdr, then family, protocol, ext, pad, states (u32) and the 48-byte inet_diag_sockid. */
    static final int REQUEST_BYTES = NLMSG_HEADER + 8 + 48;
    /** Where idiag_uid lies in an answer: nlmsghdr, 4 bytes of family/state/timer/retrans, sockid, expires, rqueue, wqueue. */
    private static final int UID_OFFSET = NLMSG_HEADER + 4 + 48 + 12;

    private SockDiagMessages() {}

    /**
     * The question "who owns the TCP socket whose own address is {@code socket} and whose peer is
     * {@code peer}": for the client's end of a connection we accepted, {@code socket} is the
     * address we see the client at and {@code peer} our own end.
     */
    static byte[] request(InetSocketAddress socket, InetSocketAddress peer, int sequence) {
        boolean v4 = socket.getAddress() instanceof Inet4Address;
        ByteBuffer b = ByteBuffer.allocate(REQUEST_BYTES).order(ByteOrder.nativeOrder());
        b.putInt(REQUEST_BYTES).putShort(SOCK_DIAG_BY_FAMILY).putShort(NLM_F_REQUEST).putInt(sequence).putInt(0);
        b.put((byte) (v4 ? AF_INET : AF_INET6)).put((byte) IPPROTO_TCP).put((byte) 0).put((byte) 0);
        b.putInt(-1); // every TCP state
        b.order(ByteOrder.BIG_ENDIAN).putShort((short) socket.getPort()).putShort((short) peer.getPort());
        putAddress(b, socket);
        putAddress(b, peer);
        b.order(ByteOrder.nativeOrder()).putInt(0); // any interface
        b.putInt(-1).putInt(-1); // INET_DIAG_NOCOOKIE: no cookie to check
        return b.array();
    }

    /**
     * The owner's uid from the kernel's answer to the request numbered {@code sequence}; empty for
     * an error (no such socket), another request's answer or anything too short to hold one.
     */
    static OptionalInt uid(byte[] answer, int length, int sequence) {
        if (length < NLMSG_HEADER || length > answer.length) {
            return OptionalInt.empty();
        }
        ByteBuffer b = ByteBuffer.wrap(answer, 0, length).order(ByteOrder.nativeOrder());
        int declared = b.getInt(0);
        short type = b.getShort(4);
        if (declared < NLMSG_HEADER || declared > length || b.getInt(8) != sequence || type == NLMSG_ERROR
                || type != SOCK_DIAG_BY_FAMILY || declared < UID_OFFSET + 4) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(b.getInt(UID_OFFSET));
    }

    /** Whether {@code answer} is the kernel's answer (an owner or an error) to request {@code sequence}. */
    static boolean answers(byte[] answer, int length, int sequence) {
        return length >= NLMSG_HEADER && length <= answer.length
                && ByteBuffer.wrap(answer, 0, length).order(ByteOrder.nativeOrder()).getInt(8) == sequence;
    }

    private static void putAddress(ByteBuffer b, InetSocketAddress a) {
        byte[] raw = a.getAddress().getAddress();
        b.put(raw);
        b.put(new byte[16 - raw.length]);
    }
}
