package io.microlink.wireguard.udp;

import static io.microlink.wireguard.sys.NativeCalls.CAPTURE;
import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import io.microlink.wireguard.sys.NativeCalls;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.net.BindException;
import java.net.InetSocketAddress;

/**
 * {@link UdpBatchSocket} on Linux through the FFM API. Receives take every waiting datagram in
 * one {@code recvmmsg}, and with UDP GRO (Linux 5.0+) the kernel hands over a run of
 * datagrams a peer sent back to back as one buffer, split here by the size it reports. Sends are
 * held until {@link #flush()}, then leave in one {@code sendmmsg}; with UDP GSO (Linux 4.18+)
 * consecutive datagrams to one address of one size (the last may be shorter) travel as a
 * single buffer that the kernel cuts up as late as it can. tailscaled's sockets work this way,
 * and a peer that receives with GRO takes such a run as cheaply as one datagram.
 *
 * <p>The descriptor stays blocking for sends; receives use {@code MSG_DONTWAIT} and wait in
 * {@code poll} with a short timeout, so {@link #close()} stops a blocked receiver soon after.
 * Needs native access ({@code --enable-native-access=ALL-UNNAMED}); see {@link #usable()}.
 *
 * <pre>{@code
 * try (LinuxUdpSocket udp = LinuxUdpSocket.open(41641, 7 << 20)) {
 *     udp.send(a, 0, a.length, peer);
 *     udp.send(b, 0, b.length, peer);
 *     udp.flush(); // one system call, one buffer through the kernel if a and b are alike
 * }
 * }</pre>
 */
public final class LinuxUdpSocket implements UdpBatchSocket {
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int SOL_SOCKET = 1;
    private static final int SO_SNDBUF = 7;
    private static final int SO_RCVBUF = 8;
    private static final int IPPROTO_IPV6 = 41;
    private static final int IPV6_V6ONLY = 26;
    private static final int SOL_UDP = 17;
    private static final int UDP_SEGMENT = 103;
    private static final int UDP_GRO = 104;
    private static final int MSG_DONTWAIT = 0x40;
    private static final int MSG_TRUNC = 0x20;
    private static final short POLLIN = 0x1;
    private static final int EINTR = 4;
    private static final int EIO = 5;
    private static final int EAGAIN = 11;
    private static final int EAFNOSUPPORT = 97;
    private static final int EADDRINUSE = 98;
    private static final int POLL_TIMEOUT_MS = 200;
    private static final int SHUT_RDWR = 2;

    /** Messages per receive call; with GRO each may hold many datagrams. */
    private static final int RECEIVE_SLOTS = 8;
    private static final int SLOT_BYTES = 65536;
    /** Datagrams one GRO buffer may hold: the kernel's UDP_MAX_SEGMENTS, 64 or (since 6.11) 128. */
    private static final int MAX_GRO_SEGMENTS = 128;
    /** Datagrams per GSO buffer, as tailscale sends them (every kernel with GSO takes 64). */
    private static final int MAX_GSO_SEGMENTS = 64;
    /** A GSO buffer must fit the largest IPv4 UDP payload, 65535 - 20 - 8 bytes. */
    private static final int MAX_GSO_BYTES = 65507;
    private static final int SEND_POOL_BYTES = 256 * 1024;
    /** Messages per send call; each is one datagram or one GSO run. */
    private static final int MAX_RUNS = 64;
    private static final int CONTROL_BYTES = 64;
    private static final int SOCKADDR_SLOT = 32;

    // 64-bit Linux: struct iovec, struct msghdr, struct mmsghdr, struct cmsghdr.
    private static final StructLayout IOVEC = MemoryLayout.structLayout(ADDRESS.withName("base"), JAVA_LONG.withName("len"));
    private static final StructLayout MSGHDR = MemoryLayout.structLayout(
            ADDRESS.withName("name"), JAVA_INT.withName("namelen"), MemoryLayout.paddingLayout(4),
            ADDRESS.withName("iov"), JAVA_LONG.withName("iovlen"),
            ADDRESS.withName("control"), JAVA_LONG.withName("controllen"),
            JAVA_INT.withName("flags"), MemoryLayout.paddingLayout(4));
    private static final StructLayout MMSGHDR = MemoryLayout.structLayout(
            MSGHDR.withName("hdr"), JAVA_INT.withName("len"), MemoryLayout.paddingLayout(4));
    private static final StructLayout CMSGHDR = MemoryLayout.structLayout(
            JAVA_LONG.withName("len"), JAVA_INT.withName("level"), JAVA_INT.withName("type"));
    private static final long MMSG_BYTES = MMSGHDR.byteSize();
    private static final long NAME = offset("name");
    private static final long NAMELEN = offset("namelen");
    private static final long IOV = offset("iov");
    private static final long IOVLEN = offset("iovlen");
    private static final long CONTROL = offset("control");
    private static final long CONTROLLEN = offset("controllen");
    private static final long FLAGS = offset("flags");
    private static final long MSG_LEN = MMSGHDR.byteOffset(groupElement("len"));
    private static final long IOV_LEN = IOVEC.byteOffset(groupElement("len"));
    private static final long CMSG_LEVEL = CMSGHDR.byteOffset(groupElement("level"));
    private static final long CMSG_TYPE = CMSGHDR.byteOffset(groupElement("type"));
    /** CMSG_LEN(2) and CMSG_SPACE(2): a 16-byte header and a u16, padded to 8 bytes. */
    private static final long SEGMENT_CMSG_LEN = CMSGHDR.byteSize() + 2;
    private static final long SEGMENT_CMSG_SPACE = CMSGHDR.byteSize() + 8;

    private final int fd;
    private final boolean ipv6;
    private final int port;
    private final boolean gro;
    private volatile boolean gso;
    private volatile boolean closed;
    // Automatic: a receiver still inside poll when close() runs keeps its buffers alive.
    private final Arena arena = Arena.ofAuto();

    private final Object readLock = new Object();
    private final MemorySegment receiveHeaders = arena.allocate(MMSG_BYTES * RECEIVE_SLOTS, 8);
    private final MemorySegment receiveData = arena.allocate((long) SLOT_BYTES * RECEIVE_SLOTS, 8);
    private final MemorySegment receiveNames = arena.allocate((long) SOCKADDR_SLOT * RECEIVE_SLOTS, 8);
    private final MemorySegment receiveControl = arena.allocate((long) CONTROL_BYTES * RECEIVE_SLOTS, 8);
    private final MemorySegment receiveErrno = arena.allocate(CAPTURE);
    private final MemorySegment pollFd = arena.allocate(8, 8);
    private final ReceivedDatagrams received =
            new ReceivedDatagrams(SLOT_BYTES * RECEIVE_SLOTS, MAX_GRO_SEGMENTS * RECEIVE_SLOTS);
    /** The last source decoded and its raw sockaddr, so a stream from one peer decodes once. */
    private final byte[] lastSourceRaw = new byte[SockAddr.MAX_LENGTH];
    private final MemorySegment lastSourceSegment = MemorySegment.ofArray(lastSourceRaw);
    private InetSocketAddress lastSource;

    private final Object sendLock = new Object();
    private final MemorySegment sendHeaders = arena.allocate(MMSG_BYTES * MAX_RUNS, 8);
    private final MemorySegment sendPool = arena.allocate(SEND_POOL_BYTES, 8);
    private final MemorySegment sendNames = arena.allocate((long) SOCKADDR_SLOT * MAX_RUNS, 8);
    private final MemorySegment sendIovecs = arena.allocate(IOVEC.byteSize() * MAX_RUNS, 8);
    private final MemorySegment sendControl = arena.allocate(SEGMENT_CMSG_SPACE * MAX_RUNS, 8);
    private final MemorySegment sendErrno = arena.allocate(CAPTURE);
    // The held datagrams as runs: consecutive pool bytes to one address, all of one size but the last.
    private final InetSocketAddress[] runTo = new InetSocketAddress[MAX_RUNS];
    private final int[] runStart = new int[MAX_RUNS];
    private final int[] runSegment = new int[MAX_RUNS];
    private final int[] runCount = new int[MAX_RUNS];
    private final int[] runBytes = new int[MAX_RUNS];
    private int runs;
    private int poolUsed;

    private LinuxUdpSocket(int fd, boolean ipv6, int port, boolean gso, boolean gro) {
        this.fd = fd;
        this.ipv6 = ipv6;
        this.port = port;
        this.gso = gso;
        this.gro = gro;
        for (int i = 0; i < RECEIVE_SLOTS; i++) {
            MemorySegment h = receiveHeaders.asSlice(i * MMSG_BYTES, MMSG_BYTES);
            h.set(ADDRESS, NAME, receiveNames.asSlice((long) i * SOCKADDR_SLOT, SOCKADDR_SLOT));
            MemorySegment iov = arena.allocate(IOVEC);
            iov.set(ADDRESS, 0, receiveData.asSlice((long) i * SLOT_BYTES, SLOT_BYTES));
            iov.set(JAVA_LONG, IOV_LEN, SLOT_BYTES);
            h.set(ADDRESS, IOV, iov);
            h.set(JAVA_LONG, IOVLEN, 1);
            h.set(ADDRESS, CONTROL, receiveControl.asSlice((long) i * CONTROL_BYTES, CONTROL_BYTES));
        }
    }

    private static long offset(String field) {
        return MMSGHDR.byteOffset(groupElement("hdr"), groupElement(field));
    }

    /**
     * Whether this JVM can use the class: a {@link #supportedPlatform()}, with native access
     * enabled for the module holding it, so that no warning about restricted methods is
     * printed on the way.
     *
     * @return {@code true} if {@link #open} may be called
     */
    public static boolean usable() {
        return supportedPlatform() && LinuxUdpSocket.class.getModule().isNativeAccessEnabled();
    }

    /**
     * Linux on x86-64 or AArch64, whose struct layouts and constants this class uses.
     *
     * @return {@code true} on those platforms
     */
    public static boolean supportedPlatform() {
        String arch = System.getProperty("os.arch");
        return "Linux".equals(System.getProperty("os.name"))
                && ("amd64".equals(arch) || "x86_64".equals(arch) || "aarch64".equals(arch));
    }

    /**
     * See {@link UdpBatchSocket#open}; call only when {@link #usable()}.
     *
     * @param port the port, or 0
     * @param bufferBytes the kernel buffer size to ask for
     * @return the socket
     * @throws IOException if the port cannot be bound
     */
    public static LinuxUdpSocket open(int port, int bufferBytes) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment errno = a.allocate(CAPTURE);
            boolean ipv6 = true;
            int fd = (int) Libc.SOCKET.invokeExact(errno, (int) SockAddr.AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
            if (fd < 0 && NativeCalls.errno(errno) == EAFNOSUPPORT) {
                ipv6 = false;
                fd = (int) Libc.SOCKET.invokeExact(errno, (int) SockAddr.AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
            }
            if (fd < 0) {
                throw new IOException("socket() failed: errno " + NativeCalls.errno(errno));
            }
            try {
                if (ipv6 && setOption(a, fd, IPPROTO_IPV6, IPV6_V6ONLY, 0) != 0) {
                    throw new IOException("cannot make the IPv6 socket take IPv4 too: errno " + NativeCalls.errno(errno));
                }
                // The kernel caps these at net.core.rmem_max / wmem_max, as for any socket.
                setOption(a, fd, SOL_SOCKET, SO_RCVBUF, bufferBytes);
                setOption(a, fd, SOL_SOCKET, SO_SNDBUF, bufferBytes);
                boolean gso = hasOption(a, fd, SOL_UDP, UDP_SEGMENT);
                boolean gro = setOption(a, fd, SOL_UDP, UDP_GRO, 1) == 0;
                MemorySegment name = a.allocate(SockAddr.MAX_LENGTH, 8);
                int nameLength = SockAddr.write(name, new InetSocketAddress(ipv6 ? "::" : "0.0.0.0", port), ipv6);
                if ((int) Libc.BIND.invokeExact(errno, fd, name, nameLength) != 0) {
                    int err = NativeCalls.errno(errno);
                    throw err == EADDRINUSE ? new BindException("UDP port " + port + " is already in use")
                            : new IOException("bind to UDP port " + port + " failed: errno " + err);
                }
                MemorySegment length = a.allocate(JAVA_INT);
                length.set(JAVA_INT, 0, SockAddr.MAX_LENGTH);
                if ((int) Libc.GETSOCKNAME.invokeExact(errno, fd, name, length) != 0) {
                    throw new IOException("getsockname failed: errno " + NativeCalls.errno(errno));
                }
                return new LinuxUdpSocket(fd, ipv6, SockAddr.read(name).getPort(), gso, gro);
            } catch (IOException | RuntimeException e) {
                int ignored = (int) Libc.CLOSE.invokeExact(fd);
                throw e;
            }
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("native call failed", t);
        }
    }

    private static int setOption(Arena a, int fd, int level, int option, int value) throws Throwable {
        MemorySegment v = a.allocateFrom(JAVA_INT, value);
        return (int) Libc.SETSOCKOPT.invokeExact(a.allocate(CAPTURE), fd, level, option, v, (int) JAVA_INT.byteSize());
    }

    private static boolean hasOption(Arena a, int fd, int level, int option) throws Throwable {
        MemorySegment v = a.allocate(JAVA_INT);
        MemorySegment length = a.allocateFrom(JAVA_INT, (int) JAVA_INT.byteSize());
        return (int) Libc.GETSOCKOPT.invokeExact(a.allocate(CAPTURE), fd, level, option, v, length) == 0;
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public String mechanism() {
        return "recvmmsg/sendmmsg" + (gso ? ", UDP GSO" : "") + (gro ? ", UDP GRO" : "");
    }

    @Override
    public ReceivedDatagrams receive() throws IOException {
        try {
            // Holding readLock across one call lets close() wait for the receiver to step out
            // before the descriptor number is freed for reuse.
            synchronized (readLock) {
                while (!closed) {
                    for (int i = 0; i < RECEIVE_SLOTS; i++) {
                        receiveHeaders.set(JAVA_INT, i * MMSG_BYTES + NAMELEN, SOCKADDR_SLOT);
                        receiveHeaders.set(JAVA_LONG, i * MMSG_BYTES + CONTROLLEN, CONTROL_BYTES);
                    }
                    int n = (int) Libc.RECVMMSG.invokeExact(receiveErrno, fd, receiveHeaders, RECEIVE_SLOTS,
                            MSG_DONTWAIT, MemorySegment.NULL);
                    if (n > 0) {
                        return unpack(n);
                    }
                    int err = NativeCalls.errno(receiveErrno);
                    if (err != EAGAIN && err != EINTR) {
                        throw new IOException("recvmmsg failed: errno " + err);
                    }
                    pollFd.set(JAVA_INT, 0, fd);
                    pollFd.set(JAVA_SHORT, 4, POLLIN);
                    pollFd.set(JAVA_SHORT, 6, (short) 0);
                    int ignored = (int) Libc.POLL.invokeExact(receiveErrno, pollFd, 1L, POLL_TIMEOUT_MS);
                }
                return null;
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("native receive failed", t);
        }
    }

    /** Copies the {@code n} messages received into {@link #received}, a GRO buffer split into its datagrams. */
    private ReceivedDatagrams unpack(int n) {
        received.clear();
        byte[] into = received.buffer();
        int pos = 0;
        for (int i = 0; i < n && received.hasRoom(); i++) {
            long h = i * MMSG_BYTES;
            int len = receiveHeaders.get(JAVA_INT, h + MSG_LEN);
            if ((receiveHeaders.get(JAVA_INT, h + FLAGS) & MSG_TRUNC) != 0) {
                continue; // larger than a slot: cannot happen below the 64 KiB a UDP datagram has at most
            }
            InetSocketAddress from = source(receiveNames.asSlice((long) i * SOCKADDR_SLOT, SockAddr.MAX_LENGTH));
            if (from == null) {
                continue;
            }
            MemorySegment.copy(receiveData, JAVA_BYTE, (long) i * SLOT_BYTES, into, pos, len);
            int segment = groSize(i, receiveHeaders.get(JAVA_LONG, h + CONTROLLEN));
            if (segment <= 0 || segment >= len) {
                received.add(pos, len, from);
            } else {
                // The kernel puts at most MAX_GRO_SEGMENTS into one buffer; the room check only
                // guards against a kernel that someday puts more.
                for (int o = 0; o < len && received.hasRoom(); o += segment) {
                    received.add(pos + o, Math.min(segment, len - o), from);
                }
            }
            pos += len;
        }
        return received;
    }

    private InetSocketAddress source(MemorySegment name) {
        if (lastSource != null && MemorySegment.mismatch(name, 0, name.byteSize(),
                lastSourceSegment, 0, lastSourceRaw.length) == -1) {
            return lastSource;
        }
        InetSocketAddress from = SockAddr.read(name);
        MemorySegment.copy(name, JAVA_BYTE, 0, lastSourceRaw, 0, lastSourceRaw.length);
        lastSource = from;
        return from;
    }

    /** The datagram size of slot {@code i}'s GRO buffer, from its UDP_GRO control message; 0 if none. */
    private int groSize(int i, long controlLength) {
        MemorySegment control = receiveControl.asSlice((long) i * CONTROL_BYTES, Math.min(controlLength, CONTROL_BYTES));
        long at = 0;
        while (at + CMSGHDR.byteSize() <= control.byteSize()) {
            long len = control.get(JAVA_LONG, at);
            if (len < CMSGHDR.byteSize()) {
                return 0;
            }
            if (control.get(JAVA_INT, at + CMSG_LEVEL) == SOL_UDP && control.get(JAVA_INT, at + CMSG_TYPE) == UDP_GRO
                    && at + CMSGHDR.byteSize() + JAVA_INT.byteSize() <= control.byteSize()) {
                return control.get(JAVA_INT, at + CMSGHDR.byteSize());
            }
            at += (len + 7) & ~7L;
        }
        return 0;
    }

    @Override
    public void send(byte[] buf, int off, int len, InetSocketAddress to) throws IOException {
        if (len > SEND_POOL_BYTES) {
            throw new IOException("a UDP datagram of " + len + " bytes");
        }
        synchronized (sendLock) {
            if (closed) {
                throw new IOException("socket closed");
            }
            int last = runs - 1;
            boolean extend = gso && last >= 0 && runCount[last] < MAX_GSO_SEGMENTS && len <= runSegment[last]
                    && runBytes[last] == runCount[last] * runSegment[last] // no shorter tail yet
                    && runBytes[last] + len <= MAX_GSO_BYTES && poolUsed + len <= SEND_POOL_BYTES
                    && to.equals(runTo[last]);
            if (!extend && (runs == MAX_RUNS || poolUsed + len > SEND_POOL_BYTES)) {
                flushHeld();
            }
            MemorySegment.copy(buf, off, sendPool, JAVA_BYTE, poolUsed, len);
            if (extend) {
                runCount[last]++;
                runBytes[last] += len;
            } else {
                runTo[runs] = to;
                runStart[runs] = poolUsed;
                runSegment[runs] = len;
                runCount[runs] = 1;
                runBytes[runs] = len;
                runs++;
            }
            poolUsed += len;
        }
    }

    @Override
    public void flush() throws IOException {
        synchronized (sendLock) {
            if (!closed) {
                flushHeld();
            }
        }
    }

    /**
     * Sends the held runs; a run the kernel refuses is dropped, as a network drops datagrams,
     * and reported after the others went out. Call with sendLock held.
     */
    private void flushHeld() throws IOException {
        if (runs == 0) {
            return;
        }
        int failed = 0;
        int lastError = 0;
        try {
            for (int r = 0; r < runs; r++) {
                describeRun(r);
            }
            int done = 0;
            while (done < runs) {
                int n = (int) Libc.SENDMMSG.invokeExact(sendErrno, fd, sendHeaders.asSlice(done * MMSG_BYTES),
                        runs - done, 0);
                if (n > 0) {
                    done += n;
                    continue;
                }
                int err = NativeCalls.errno(sendErrno);
                if (err == EINTR) {
                    continue;
                }
                if (err == EIO && runCount[done] > 1) {
                    // The route's device cannot segment (a kernel or driver without UDP GSO
                    // support there): send this run datagram by datagram, and no more runs.
                    gso = false;
                    err = sendOneByOne(done);
                }
                if (err != 0) {
                    failed += runCount[done];
                    lastError = err;
                }
                done++;
            }
        } catch (Throwable t) {
            throw new IOException("native send failed", t);
        } finally {
            runs = 0;
            poolUsed = 0;
        }
        if (failed > 0) {
            throw new IOException("sendmmsg dropped " + failed + " datagram(s): errno " + lastError);
        }
    }

    /** Fills the message header of run {@code r}: address, one iovec over its bytes, and the GSO size if it has several. */
    private void describeRun(int r) throws IOException {
        long h = r * MMSG_BYTES;
        MemorySegment name = sendNames.asSlice((long) r * SOCKADDR_SLOT, SockAddr.MAX_LENGTH);
        int nameLength = SockAddr.write(name, runTo[r], ipv6);
        MemorySegment iov = sendIovecs.asSlice(r * IOVEC.byteSize(), IOVEC.byteSize());
        iov.set(ADDRESS, 0, sendPool.asSlice(runStart[r], runBytes[r]));
        iov.set(JAVA_LONG, IOV_LEN, runBytes[r]);
        sendHeaders.set(ADDRESS, h + NAME, name);
        sendHeaders.set(JAVA_INT, h + NAMELEN, nameLength);
        sendHeaders.set(ADDRESS, h + IOV, iov);
        sendHeaders.set(JAVA_LONG, h + IOVLEN, 1);
        sendHeaders.set(JAVA_INT, h + FLAGS, 0);
        if (runCount[r] > 1) {
            MemorySegment cmsg = sendControl.asSlice(r * SEGMENT_CMSG_SPACE, SEGMENT_CMSG_SPACE);
            cmsg.fill((byte) 0);
            cmsg.set(JAVA_LONG, 0, SEGMENT_CMSG_LEN);
            cmsg.set(JAVA_INT, CMSG_LEVEL, SOL_UDP);
            cmsg.set(JAVA_INT, CMSG_TYPE, UDP_SEGMENT);
            cmsg.set(JAVA_SHORT, CMSGHDR.byteSize(), (short) runSegment[r]);
            sendHeaders.set(ADDRESS, h + CONTROL, cmsg);
            sendHeaders.set(JAVA_LONG, h + CONTROLLEN, SEGMENT_CMSG_SPACE);
        } else {
            sendHeaders.set(ADDRESS, h + CONTROL, MemorySegment.NULL);
            sendHeaders.set(JAVA_LONG, h + CONTROLLEN, 0);
        }
    }

    /** Sends run {@code r} as separate datagrams, rewriting its header for each; returns the last errno, or 0. */
    private int sendOneByOne(int r) throws Throwable {
        long h = r * MMSG_BYTES;
        MemorySegment header = sendHeaders.asSlice(h, MMSG_BYTES);
        MemorySegment iov = sendIovecs.asSlice(r * IOVEC.byteSize(), IOVEC.byteSize());
        header.set(ADDRESS, CONTROL, MemorySegment.NULL);
        header.set(JAVA_LONG, CONTROLLEN, 0);
        int error = 0;
        for (int o = 0; o < runBytes[r]; o += runSegment[r]) {
            int len = Math.min(runSegment[r], runBytes[r] - o);
            iov.set(ADDRESS, 0, sendPool.asSlice(runStart[r] + o, len));
            iov.set(JAVA_LONG, IOV_LEN, len);
            int n;
            do {
                n = (int) Libc.SENDMMSG.invokeExact(sendErrno, fd, header, 1, 0);
            } while (n < 0 && NativeCalls.errno(sendErrno) == EINTR);
            if (n < 0) {
                error = NativeCalls.errno(sendErrno);
            }
        }
        return error;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        // Wakes a receiver waiting in poll now: Linux wakes the waiters of any socket shut down,
        // an unconnected UDP one too (shutdown itself then says ENOTCONN). Without it this waited
        // out the receiver's poll timeout, up to 200 ms in which a rebind could not bind the port
        // again and the node's paths stood still.
        try {
            int ignored = (int) Libc.SHUTDOWN.invokeExact(fd, SHUT_RDWR);
        } catch (Throwable t) {
            throw new IllegalStateException("shutdown failed", t);
        }
        synchronized (readLock) {
            synchronized (sendLock) {
                runs = 0; // what was held is dropped, as by a closed socket
                poolUsed = 0;
                try {
                    int ignored = (int) Libc.CLOSE.invokeExact(fd);
                } catch (Throwable t) {
                    throw new IllegalStateException("close failed", t);
                }
            }
        }
    }

    /** The libc calls, looked up only once a socket is opened (the lookup needs native access). */
    private static final class Libc {
        static final MethodHandle SOCKET = NativeCalls.downcall("socket",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), NativeCalls.ERRNO);
        static final MethodHandle SETSOCKOPT = NativeCalls.downcall("setsockopt",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), NativeCalls.ERRNO);
        static final MethodHandle GETSOCKOPT = NativeCalls.downcall("getsockopt",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS), NativeCalls.ERRNO);
        static final MethodHandle BIND = NativeCalls.downcall("bind",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), NativeCalls.ERRNO);
        static final MethodHandle GETSOCKNAME = NativeCalls.downcall("getsockname",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS), NativeCalls.ERRNO);
        static final MethodHandle RECVMMSG = NativeCalls.downcall("recvmmsg",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS), NativeCalls.ERRNO);
        static final MethodHandle SENDMMSG = NativeCalls.downcall("sendmmsg",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), NativeCalls.ERRNO);
        static final MethodHandle POLL = NativeCalls.downcall("poll",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT), NativeCalls.ERRNO);
        static final MethodHandle CLOSE = NativeCalls.downcall("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        static final MethodHandle SHUTDOWN = NativeCalls.downcall("shutdown",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));

        private Libc() {}
    }
}
