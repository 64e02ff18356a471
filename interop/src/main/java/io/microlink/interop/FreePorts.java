package io.microlink.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Ports on 127.0.0.1 that were free a moment ago. Another process could take one before
 * our child binds it; that race is rare on a test machine and shows up as a clear
 * "address in use" in the child's log.
 */
public final class FreePorts {
    private FreePorts() {}

    public static int tcp() {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(false);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free TCP port on 127.0.0.1", e);
        }
    }

    /** A port free for both UDP and TCP, for daemons that bind both (tailscaled, STUN+HTTP pairs). */
    public static int udp() {
        for (int attempt = 0; attempt < 50; attempt++) {
            try (DatagramSocket d = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                    ServerSocket t = new ServerSocket(d.getLocalPort(), 1, InetAddress.getLoopbackAddress())) {
                return d.getLocalPort();
            } catch (IOException e) {
                // TCP side taken: try another UDP port.
            }
        }
        throw new IllegalStateException("no port free for both UDP and TCP on 127.0.0.1 after 50 attempts");
    }
}
