package io.microlink.uplink;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import io.microlink.wireguard.sys.NativeCalls;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes a socket's traffic leave through one network interface, whatever the default route
 * says: Linux's {@code SO_BINDTODEVICE}, set through the FFM API. Since Linux 5.7 any user may
 * set it on a socket not yet bound to a device (commit c427bfec18f2, "net: core: enable
 * SO_BINDTODEVICE for non-root users"); before, it takes {@code CAP_NET_RAW}. The kernel then
 * looks routes up among those through that interface only, so each uplink needs a route of its
 * own to the internet (a default route per interface, with different metrics, as NetworkManager
 * sets them up); binding the source address instead would work only where the host routes by
 * source, which few do.
 *
 * <p>The JDK gives no access to a socket's descriptor, so the socket is found among this
 * process's own ({@code /proc/self/fd}) by its type and the local port it was just bound to,
 * which no other socket of that type and state holds (none here sets {@code SO_REUSEPORT}): an
 * IPv4 or IPv6 address only (a Unix socket's may be its family alone), and for TCP neither
 * connected nor listening (a listener and the connections it accepted share its port). The same
 * way sets {@code SO_MARK}, the firewall mark TUN mode's routing rules let past its device
 * ({@link BypassMark}).
 */
final class DeviceBinding {
    private static final int SOL_SOCKET = 1;
    private static final int SO_TYPE = 3;
    private static final int SO_ACCEPTCONN = 30;
    private static final short AF_INET = 2;
    private static final short AF_INET6 = 10;
    /** sockaddr_storage. */
    private static final long SOCKADDR_MAX = 128;
    private static final int SO_BINDTODEVICE = 25;
    private static final int SO_MARK = 36;
    private static final int SOCK_STREAM = 1;
    private static final int SOCK_DGRAM = 2;
    private static final int EPERM = 1;
    private static final int ENODEV = 19;
    /** IFNAMSIZ less the terminating zero. */
    private static final int MAX_NAME = 15;
    private static final Path FDS = Path.of("/proc/self/fd");

    private static final class Libc {
        static final MethodHandle GETSOCKOPT = NativeCalls.downcall("getsockopt",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
        static final MethodHandle GETSOCKNAME = NativeCalls.downcall("getsockname",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
        static final MethodHandle GETPEERNAME = NativeCalls.downcall("getpeername",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    }

    /** setsockopt with its errno captured: the one call whose failure the user hears about. */
    private static final MethodHandle SETSOCKOPT = NativeCalls.downcall("setsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), NativeCalls.ERRNO);

    private DeviceBinding() {}

    /** Linux, with native access enabled: {@link #bindTcp} and {@link #bindUdp} may be called. */
    static boolean usable() {
        return NativeCalls.usable();
    }

    /** Binds an unconnected TCP socket (to port 0 first, if it is not yet bound) to {@code device}. */
    static void bindTcp(Socket unconnected, String device) throws IOException {
        if (!unconnected.isBound()) {
            unconnected.bind(new InetSocketAddress(0));
        }
        bind(SOCK_STREAM, unconnected.getLocalPort(), device);
    }

    /** Binds this process's UDP socket on {@code port} to {@code device}. */
    static void bindUdp(int port, String device) throws IOException {
        bind(SOCK_DGRAM, port, device);
    }

    private static void bind(int type, int port, String device) throws IOException {
        byte[] name = device.getBytes(StandardCharsets.US_ASCII);
        if (name.length == 0 || name.length > MAX_NAME) {
            throw new IOException("\"" + device + "\" is not an interface name");
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment value = a.allocate(name.length + 1L);
            value.copyFrom(MemorySegment.ofArray(name));
            value.set(JAVA_BYTE, name.length, (byte) 0);
            int err = setOption(a, type, port, SO_BINDTODEVICE, value);
            if (err != 0) {
                throw new IOException(switch (err) {
                    case ENODEV -> "there is no interface " + device;
                    case EPERM -> "binding a socket to " + device + " needs Linux 5.7 or later, or CAP_NET_RAW";
                    default -> "cannot bind a socket to " + device + ": errno " + err;
                });
            }
        }
    }

    /**
     * Sets the firewall mark of an unconnected TCP socket (bound to port 0 first, if it is not yet bound).
     *
     * @return false if the process may not (no CAP_NET_ADMIN)
     */
    static boolean markTcp(Socket unconnected, int mark) throws IOException {
        if (!unconnected.isBound()) {
            unconnected.bind(new InetSocketAddress(0));
        }
        return mark(SOCK_STREAM, unconnected.getLocalPort(), mark);
    }

    /**
     * Sets the firewall mark of this process's UDP socket on {@code port}.
     *
     * @return false if the process may not (no CAP_NET_ADMIN)
     */
    static boolean markUdp(int port, int mark) throws IOException {
        return mark(SOCK_DGRAM, port, mark);
    }

    private static boolean mark(int type, int port, int mark) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            int err = setOption(a, type, port, SO_MARK, a.allocateFrom(JAVA_INT, mark));
            if (err != 0 && err != EPERM) {
                throw new IOException("cannot mark a socket (SO_MARK): errno " + err);
            }
            return err == 0;
        }
    }

    /** The firewall mark of this process's TCP ({@code udp} false) or UDP socket on {@code port}. */
    static int markOf(boolean udp, int port) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            int fd = find(a, udp ? SOCK_DGRAM : SOCK_STREAM, port);
            MemorySegment value = a.allocate(JAVA_INT);
            MemorySegment length = a.allocateFrom(JAVA_INT, 4);
            if ((int) Libc.GETSOCKOPT.invokeExact(fd, SOL_SOCKET, SO_MARK, value, length) != 0) {
                throw new IOException("cannot read the mark of a socket");
            }
            return value.get(JAVA_INT, 0);
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("native call failed", t);
        }
    }

    /** Sets socket option {@code option} of the socket of {@code type} on {@code port}: 0, or the errno. */
    private static int setOption(Arena a, int type, int port, int option, MemorySegment value) throws IOException {
        try {
            int fd = find(a, type, port);
            MemorySegment errno = a.allocate(NativeCalls.CAPTURE);
            int rc = (int) SETSOCKOPT.invokeExact(errno, fd, SOL_SOCKET, option, value, (int) value.byteSize());
            return rc == 0 ? 0 : NativeCalls.errno(errno);
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("native call failed", t);
        }
    }

    /**
     * The descriptor of the one socket of {@code type} bound to local {@code port}: for TCP, the
     * one neither connected nor listening, as the sockets handed to {@link #bindTcp} and
     * {@link #markTcp} are (an accepted connection shares its listener's port, and a connection
     * made elsewhere may share its port with another's).
     */
    private static int find(Arena a, int type, int port) throws Throwable {
        List<Integer> found = new ArrayList<>();
        MemorySegment value = a.allocate(JAVA_INT);
        MemorySegment length = a.allocate(JAVA_INT);
        MemorySegment address = a.allocate(SOCKADDR_MAX, 8);
        for (int fd : descriptors()) {
            // Not a socket (ENOTSOCK) or another type: one call tells, no readlink needed.
            length.set(JAVA_INT, 0, 4);
            if ((int) Libc.GETSOCKOPT.invokeExact(fd, SOL_SOCKET, SO_TYPE, value, length) != 0
                    || value.get(JAVA_INT, 0) != type
                    || boundPort(fd, address, length, Libc.GETSOCKNAME) != port) {
                continue;
            }
            if (type == SOCK_STREAM && (boundPort(fd, address, length, Libc.GETPEERNAME) >= 0
                    || option(fd, SO_ACCEPTCONN, value, length) != 0)) {
                continue; // connected, or listening: not the socket being readied
            }
            found.add(fd);
        }
        if (found.size() != 1) {
            throw new IOException((found.isEmpty() ? "no" : found.size()) + " " + (type == SOCK_DGRAM ? "UDP" : "TCP")
                    + " socket(s) of this process on port " + port + "; cannot tell which to bind");
        }
        return found.getFirst();
    }

    /**
     * The port of {@code fd}'s local ({@code getsockname}) or remote ({@code getpeername})
     * address, or -1 when it has none or is not an IPv4 or IPv6 socket. The family and the length
     * the kernel wrote are checked: a Unix socket's address may be the family alone (an unnamed
     * one's, such as the one the JDK puts in a closing socket's place), and the bytes after it
     * would then be the previous socket's port.
     */
    private static int boundPort(int fd, MemorySegment address, MemorySegment length, MethodHandle call)
            throws Throwable {
        address.fill((byte) 0);
        length.set(JAVA_INT, 0, (int) address.byteSize());
        if ((int) call.invokeExact(fd, address, length) != 0 || length.get(JAVA_INT, 0) < 4) {
            return -1;
        }
        // sa_family_t is in host byte order, as JAVA_SHORT reads it.
        short family = address.get(java.lang.foreign.ValueLayout.JAVA_SHORT, 0);
        if (family != AF_INET && family != AF_INET6) {
            return -1;
        }
        // sockaddr_in and sockaddr_in6 alike: the family (2 bytes), then the port in network order.
        return (Byte.toUnsignedInt(address.get(JAVA_BYTE, 2)) << 8) | Byte.toUnsignedInt(address.get(JAVA_BYTE, 3));
    }

    /** An int socket option of {@code fd}, or -1 if it cannot be read. */
    private static int option(int fd, int option, MemorySegment value, MemorySegment length) throws Throwable {
        length.set(JAVA_INT, 0, 4);
        return (int) Libc.GETSOCKOPT.invokeExact(fd, SOL_SOCKET, option, value, length) != 0 ? -1
                : value.get(JAVA_INT, 0);
    }

    /** This process's open descriptors, as {@code /proc/self/fd} lists them. */
    private static List<Integer> descriptors() throws IOException {
        List<Integer> out = new ArrayList<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(FDS)) {
            for (Path p : fds) {
                try {
                    out.add(Integer.parseInt(p.getFileName().toString()));
                } catch (NumberFormatException notAnFd) {
                    // nothing else is listed there
                }
            }
        }
        return out;
    }
}
