package io.microlink.netmon;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import io.microlink.wireguard.sys.NativeCalls;
import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * Linux tells whoever listens on a netlink route socket about every link, address and route
 * change as it happens; this listens (through the FFM API) and pokes the monitor, which then
 * reads the network at once instead of at its next poll. The messages themselves are not
 * parsed: they only say "look now", and {@link SystemNetwork} reads what is true. Only where
 * the module may make native calls without a warning (see {@link #usable()}); elsewhere the
 * monitor polls alone.
 */
final class NetlinkWatch implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("io.microlink.netmon");
    private static final int AF_NETLINK = 16;
    private static final int SOCK_RAW = 3;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int NETLINK_ROUTE = 0;
    /** RTMGRP_LINK, IPV4_IFADDR, IPV4_ROUTE, IPV6_IFADDR, IPV6_ROUTE. */
    private static final int GROUPS = 0x1 | 0x10 | 0x40 | 0x100 | 0x400;
    private static final int MSG_DONTWAIT = 0x40;
    private static final short POLLIN = 0x1;
    private static final int POLL_TIMEOUT_MS = 250;
    private static final int BUFFER = 16 * 1024;

    private static final class Libc {
        static final MethodHandle SOCKET = NativeCalls.downcall("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
        static final MethodHandle BIND = NativeCalls.downcall("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
        static final MethodHandle POLL = NativeCalls.downcall("poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
        static final MethodHandle RECV = NativeCalls.downcall("recv",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
        static final MethodHandle CLOSE = NativeCalls.downcall("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    }

    private final int fd;
    private final Runnable poke;
    private final Thread thread;
    private volatile boolean running = true;

    private NetlinkWatch(int fd, Runnable poke) {
        this.fd = fd;
        this.poke = poke;
        // A platform thread: it spends its life in native poll(), which would pin a virtual one.
        this.thread = Thread.ofPlatform().daemon().name("microlink-netlink").start(this::run);
    }

    /** Linux with native access enabled (no warning printed for it). */
    static boolean usable() {
        return NativeCalls.usable();
    }

    /** Starts listening, or returns null (logged) if the socket cannot be had: the monitor then polls alone. */
    static NetlinkWatch start(Runnable poke) {
        try (Arena arena = Arena.ofConfined()) {
            int fd = (int) Libc.SOCKET.invokeExact(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
            if (fd < 0) {
                LOG.log(Level.DEBUG, "no netlink socket; polling the network only");
                return null;
            }
            // struct sockaddr_nl: family (u16), pad (u16), pid (u32, 0: the kernel picks), groups (u32)
            MemorySegment addr = arena.allocate(12, 4);
            addr.set(JAVA_SHORT, 0, (short) AF_NETLINK);
            addr.set(JAVA_INT, 8, GROUPS);
            if ((int) Libc.BIND.invokeExact(fd, addr, 12) != 0) {
                int ignored = (int) Libc.CLOSE.invokeExact(fd);
                LOG.log(Level.DEBUG, "cannot join netlink's route groups; polling the network only");
                return null;
            }
            return new NetlinkWatch(fd, poke);
        } catch (Throwable e) {
            LOG.log(Level.DEBUG, "netlink unavailable; polling the network only", e);
            return null;
        }
    }

    private void run() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pollFd = arena.allocate(8, 4);
            MemorySegment buf = arena.allocate(BUFFER, 8);
            while (running) {
                pollFd.set(JAVA_INT, 0, fd);
                pollFd.set(JAVA_SHORT, 4, POLLIN);
                pollFd.set(JAVA_SHORT, 6, (short) 0);
                int ready = (int) Libc.POLL.invokeExact(pollFd, 1L, POLL_TIMEOUT_MS);
                if (ready <= 0 || !running) {
                    continue; // timeout, or EINTR: look at running and wait again
                }
                // Drain what is queued: a burst of messages is one poke. A failed read pokes too:
                // ENOBUFS means the kernel dropped messages (a storm), which is a change as well.
                while ((long) Libc.RECV.invokeExact(fd, buf, (long) BUFFER, MSG_DONTWAIT) > 0) {
                    // nothing to parse: the monitor reads the network itself
                }
                poke.run();
            }
        } catch (Throwable e) {
            LOG.log(Level.WARNING, "the netlink watch stopped; the network is still polled", e);
        } finally {
            try {
                int ignored = (int) Libc.CLOSE.invokeExact(fd);
            } catch (Throwable e) {
                LOG.log(Level.DEBUG, "closing the netlink socket", e);
            }
        }
    }

    @Override
    public void close() {
        running = false; // the thread sees it within one poll timeout and closes the socket itself
        thread.interrupt();
    }
}
