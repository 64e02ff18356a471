package io.microlink.uplink;

import io.microlink.netstack.relay.SocketBinder;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * TUN mode's mark on the node's own host sockets (control, DERP, magicsock's UDP, MagicDNS
 * upstreams, port mapping, the subnet relay): tailscale's bypass mark, which the routing rules
 * of an exit node in use ({@code io.microlink.tun.ExitRouting}) send to the host's own tables
 * rather than into the TUN device, so the node's tunnel never travels through itself. Each
 * socket is then readied by the wrapped binder (bound to the active uplink, or not at all).
 *
 * <p>Setting a mark takes CAP_NET_ADMIN, which TUN mode has anyway. Where the process lacks it,
 * the first failure is logged once and no socket is marked after it (the permission is the
 * process's, so trying again per socket would only fail again): the node still works, but an
 * exit node cannot be used in TUN mode, which {@link #working()} tells the routing side.
 */
public final class BypassMark implements SocketBinder {
    private static final System.Logger LOG = System.getLogger("io.microlink.uplink");
    /** tailscale's bypass mark ({@code 0x80000} within the mask {@code 0xff0000} its rules match). */
    static final int MARK = 0x80000;
    /** Process-wide, as the capability it records. */
    private static final AtomicBoolean UNAVAILABLE = new AtomicBoolean();

    private final SocketBinder then;

    BypassMark(SocketBinder then) {
        this.then = then;
    }

    /**
     * Whether the node's sockets bypass the TUN device: false off Linux, without native access,
     * or once the host refused a mark.
     *
     * @return whether routing the default route into the device leaves the node's own traffic out
     */
    public static boolean working() {
        return !UNAVAILABLE.get() && DeviceBinding.usable();
    }

    @Override
    public void bindTcp(Socket unconnected, InetAddress to) throws IOException {
        if (working()) {
            if (!DeviceBinding.markTcp(unconnected, MARK)) {
                giveUp();
            }
        }
        then.bindTcp(unconnected, to);
    }

    @Override
    public void bindUdp(int localPort, InetAddress to) throws IOException {
        if (working()) {
            if (!DeviceBinding.markUdp(localPort, MARK)) {
                giveUp();
            }
        }
        then.bindUdp(localPort, to);
    }

    private static void giveUp() {
        if (UNAVAILABLE.compareAndSet(false, true)) {
            LOG.log(Level.WARNING, "the node''s own sockets cannot be marked to bypass the TUN device (SO_MARK needs "
                    + "CAP_NET_ADMIN): an exit node cannot be used in TUN mode here; everything else works");
        }
    }
}
