package io.microlink.web.http;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import io.microlink.wireguard.sys.NativeCalls;
import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.net.InetSocketAddress;
import java.util.OptionalInt;

/**
 * Which local user owns the client end of a loopback connection we accepted, asked of Linux's
 * socket diagnostics over netlink (through the FFM API): one request, one answer for one socket,
 * not a scan of the machine's socket table, so a flood of connections cannot make it costly.
 * The kernel answers inside the send, so the answer is read without waiting. Where it cannot be
 * asked (not Linux, native access not enabled, no {@code inet_diag} in the kernel) every answer
 * is empty, said once in the log, and callers fall back to counting every loopback caller as one.
 *
 * <pre>{@code
 * OptionalInt uid = owners.uidOf(connection.getRemoteSocketAddress(), connection.getLocalSocketAddress());
 * }</pre>
 */
final class LocalSocketOwners implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("io.microlink.web");
    private static final int AF_NETLINK = 16;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int MSG_DONTWAIT = 0x40;
    private static final int ANSWER_BYTES = 1024;
    /** Answers to earlier requests that timed out could still be queued: read past at most this many. */
    private static final int MAX_STALE = 8;

    private static final class Libc {
        static final MethodHandle SOCKET = NativeCalls.downcall("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
        static final MethodHandle SENDTO = NativeCalls.downcall("sendto",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
        static final MethodHandle RECV = NativeCalls.downcall("recv",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
        static final MethodHandle CLOSE = NativeCalls.downcall("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    }

    private final Arena arena = Arena.ofShared();
    private final MemorySegment request = arena.allocate(SockDiagMessages.REQUEST_BYTES, 8);
    private final MemorySegment answer = arena.allocate(ANSWER_BYTES, 8);
    private final MemorySegment kernel = arena.allocate(12, 4); // sockaddr_nl of the kernel: pid 0
    private final byte[] answerBytes = new byte[ANSWER_BYTES];
    private int fd = -1; // guarded by this; -1 before the first question
    private boolean unavailable; // guarded by this
    private int sequence; // guarded by this

    LocalSocketOwners() {
        kernel.set(JAVA_SHORT, 0, (short) AF_NETLINK);
    }

    /**
     * The uid owning the TCP socket at {@code client} connected to {@code server}; empty when
     * no one can tell (no such socket here, as for a connection whose source a NAT rule changed).
     */
    synchronized OptionalInt uidOf(InetSocketAddress client, InetSocketAddress server) {
        if (unavailable || !open()) {
            return OptionalInt.empty();
        }
        try {
            int seq = ++sequence;
            MemorySegment.copy(SockDiagMessages.request(client, server, seq), 0, request, JAVA_BYTE, 0,
                    SockDiagMessages.REQUEST_BYTES);
            long sent = (long) Libc.SENDTO.invokeExact(fd, request, (long) SockDiagMessages.REQUEST_BYTES, 0,
                    kernel, 12);
            if (sent != SockDiagMessages.REQUEST_BYTES) {
                return OptionalInt.empty();
            }
            for (int i = 0; i < MAX_STALE; i++) {
                long n = (long) Libc.RECV.invokeExact(fd, answer, (long) ANSWER_BYTES, MSG_DONTWAIT);
                if (n <= 0) {
                    return OptionalInt.empty();
                }
                MemorySegment.copy(answer, JAVA_BYTE, 0, answerBytes, 0, (int) n);
                OptionalInt uid = SockDiagMessages.uid(answerBytes, (int) n, seq);
                if (uid.isPresent() || SockDiagMessages.answers(answerBytes, (int) n, seq)) {
                    return uid;
                }
            }
            return OptionalInt.empty();
        } catch (Throwable e) {
            giveUp("asking the kernel who owns a local connection failed: " + e);
            return OptionalInt.empty();
        }
    }

    /** Opens the netlink socket at the first question; false (said once) where none can be had. */
    private boolean open() {
        if (fd >= 0) {
            return true;
        }
        if (!NativeCalls.usable()) {
            giveUp("native access is not enabled (--enable-native-access) or this is not Linux");
            return false;
        }
        try {
            fd = (int) Libc.SOCKET.invokeExact(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, SockDiagMessages.NETLINK_SOCK_DIAG);
        } catch (Throwable e) {
            fd = -1;
        }
        if (fd < 0) {
            giveUp("the kernel offers no socket-diagnostics netlink socket");
            return false;
        }
        return true;
    }

    private void giveUp(String why) {
        unavailable = true;
        LOG.log(Level.INFO, "local page: cannot tell local users apart (" + why
                + "); every loopback caller shares one connection allowance");
    }

    @Override
    public synchronized void close() {
        if (!arena.scope().isAlive()) {
            return; // closed before: closing twice does nothing
        }
        if (fd >= 0) {
            try {
                int ignored = (int) Libc.CLOSE.invokeExact(fd);
            } catch (Throwable e) {
                LOG.log(Level.DEBUG, "closing the socket-diagnostics socket", e);
            }
            fd = -1;
        }
        unavailable = true;
        arena.close();
    }
}
