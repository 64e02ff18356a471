package io.microlink.wireguard.tun;

import static io.microlink.wireguard.sys.NativeCalls.CAPTURE;
import static io.microlink.wireguard.sys.NativeCalls.downcall;

import io.microlink.wireguard.sys.NativeCalls;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;

/**
 * A Linux TUN device opened through the FFM API: {@code open("/dev/net/tun")} and
 * {@code ioctl(TUNSETIFF)} with {@code IFF_TUN | IFF_NO_PI}, so each read or write is exactly one
 * IP packet. The descriptor is non-blocking and reads wait in {@code poll} with a short timeout,
 * so {@link #close()} stops a blocked reader within that timeout. One reader thread and any number of
 * writers (writes are serialised).
 *
 * <pre>{@code
 * try (LinuxTun tun = LinuxTun.open("wg0")) {
 *     byte[] buf = new byte[65535];
 *     int n = tun.read(buf, 0, buf.length); // one IP packet, or -1 once closed
 * }
 * }</pre>
 */
public final class LinuxTun implements TunDevice {
    private static final int O_RDWR = 2;
    private static final int O_NONBLOCK = 0x800;
    private static final int O_CLOEXEC = 0x80000;
    private static final long TUNSETIFF = 0x400454caL;
    private static final short IFF_TUN = 0x0001;
    private static final short IFF_NO_PI = 0x1000;
    private static final int IFNAMSIZ = 16;
    private static final int IFREQ_SIZE = 40;
    private static final short POLLIN = 0x1;
    private static final int EAGAIN = 11;
    private static final int EINTR = 4;
    private static final int POLL_TIMEOUT_MS = 200;
    private static final int MAX_PACKET = 65535;

    private static final MethodHandle OPEN = downcall("open",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT),
            NativeCalls.ERRNO, Linker.Option.firstVariadicArg(2));
    private static final MethodHandle IOCTL = downcall("ioctl",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS),
            NativeCalls.ERRNO, Linker.Option.firstVariadicArg(2));
    private static final MethodHandle READ = downcall("read",
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG),
            NativeCalls.ERRNO);
    private static final MethodHandle WRITE = downcall("write",
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG),
            NativeCalls.ERRNO);
    private static final MethodHandle POLL = downcall("poll",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT),
            NativeCalls.ERRNO);
    private static final MethodHandle CLOSE = downcall("close",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));

    private final int fd;
    private final String name;
    // Automatic: a reader still inside poll when close() runs keeps its buffers alive.
    private final Arena arena = Arena.ofAuto();
    private final MemorySegment readBuf = arena.allocate(MAX_PACKET);
    private final MemorySegment readErrno = arena.allocate(CAPTURE);
    private final MemorySegment pollFd = arena.allocate(8);
    private final MemorySegment writeBuf = arena.allocate(MAX_PACKET);
    private final MemorySegment writeErrno = arena.allocate(CAPTURE);
    private final Object readLock = new Object();
    private volatile boolean closed;

    private LinuxTun(int fd, String name) {
        this.fd = fd;
        this.name = name;
    }

    /**
     * Creates (or attaches to) the TUN interface {@code name}; an empty name lets the kernel
     * pick one. Needs CAP_NET_ADMIN. The interface disappears when this is closed.
     *
     * @param name the interface name, or empty
     * @return the open device
     * @throws IOException if the device cannot be opened, e.g. without CAP_NET_ADMIN
     */
    public static LinuxTun open(String name) throws IOException {
        byte[] nameBytes = name.getBytes(StandardCharsets.US_ASCII);
        if (nameBytes.length >= IFNAMSIZ) {
            throw new IllegalArgumentException("interface name longer than 15 bytes: " + name);
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment errno = a.allocate(CAPTURE);
            int fd = (int) OPEN.invokeExact(errno, a.allocateFrom("/dev/net/tun"), O_RDWR | O_NONBLOCK | O_CLOEXEC, 0);
            if (fd < 0) {
                int err = NativeCalls.errno(errno);
                throw new IOException("cannot open /dev/net/tun: errno " + err + switch (err) {
                    case 2 -> " (ENOENT: no TUN support here; is the tun module loaded?)";
                    case 1, 13 -> " (permission denied)";
                    default -> "";
                });
            }
            MemorySegment ifreq = a.allocate(IFREQ_SIZE);
            MemorySegment.copy(nameBytes, 0, ifreq, ValueLayout.JAVA_BYTE, 0, nameBytes.length);
            ifreq.set(ValueLayout.JAVA_SHORT_UNALIGNED, IFNAMSIZ, (short) (IFF_TUN | IFF_NO_PI));
            int rc = (int) IOCTL.invokeExact(errno, fd, TUNSETIFF, ifreq);
            if (rc < 0) {
                int err = NativeCalls.errno(errno);
                int ignored = (int) CLOSE.invokeExact(fd);
                throw new IOException("ioctl(TUNSETIFF) for '" + name + "' failed: errno " + err
                        + switch (err) {
                            case 1 -> " (EPERM: needs CAP_NET_ADMIN)";
                            case 16 -> " (EBUSY: another process has it open)";
                            case 22 -> " (EINVAL: an interface that is not a TUN device has that name?)";
                            default -> "";
                        });
            }
            String actual = ifreq.asSlice(0, IFNAMSIZ).getString(0, StandardCharsets.US_ASCII);
            return new LinuxTun(fd, actual);
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("native call failed", t);
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int read(byte[] buf, int off, int maxLen) throws IOException {
        return read(buf, off, maxLen, true);
    }

    @Override
    public int readIfWaiting(byte[] buf, int off, int maxLen) throws IOException {
        return read(buf, off, maxLen, false);
    }

    private int read(byte[] buf, int off, int maxLen, boolean wait) throws IOException {
        try {
            while (true) {
                // Holding readLock across one read or poll lets close() wait for the reader to
                // step out before the descriptor number is freed for reuse.
                synchronized (readLock) {
                    if (closed) {
                        return -1;
                    }
                    long n = (long) READ.invokeExact(readErrno, fd, readBuf, (long) Math.min(maxLen, MAX_PACKET));
                    if (n >= 0) {
                        MemorySegment.copy(readBuf, ValueLayout.JAVA_BYTE, 0, buf, off, (int) n);
                        return (int) n;
                    }
                    int err = NativeCalls.errno(readErrno);
                    if (err != EAGAIN && err != EINTR) {
                        throw new IOException("read from " + name + " failed: errno " + err);
                    }
                    if (!wait) {
                        return 0;
                    }
                    pollFd.set(ValueLayout.JAVA_INT, 0, fd);
                    pollFd.set(ValueLayout.JAVA_SHORT, 4, POLLIN);
                    pollFd.set(ValueLayout.JAVA_SHORT, 6, (short) 0);
                    int ignored = (int) POLL.invokeExact(readErrno, pollFd, 1L, POLL_TIMEOUT_MS);
                }
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("native read failed", t);
        }
    }

    @Override
    public void write(byte[] buf, int off, int len) throws IOException {
        synchronized (writeBuf) {
            if (closed) {
                throw new IOException(name + " is closed");
            }
            MemorySegment.copy(buf, off, writeBuf, ValueLayout.JAVA_BYTE, 0, len);
            long n;
            try {
                n = (long) WRITE.invokeExact(writeErrno, fd, writeBuf, (long) len);
            } catch (Throwable t) {
                throw new IOException("native write failed", t);
            }
            if (n < 0) {
                throw new IOException("write to " + name + " failed: errno " + NativeCalls.errno(writeErrno));
            }
        }
    }

    @Override
    public void close() {
        synchronized (writeBuf) {
            if (closed) {
                return;
            }
            closed = true;
        }
        synchronized (readLock) {
            try {
                int ignored = (int) CLOSE.invokeExact(fd);
            } catch (Throwable t) {
                throw new IllegalStateException("close failed", t);
            }
        }
    }
}
