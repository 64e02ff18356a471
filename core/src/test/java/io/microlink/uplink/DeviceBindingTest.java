package io.microlink.uplink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The socket {@link DeviceBinding} readies is found among the process's descriptors by its local
 * port: other sockets that share the port, or that have no port at all, must not be taken for it.
 * Reading a socket's mark needs no privilege, so {@code markOf} shows which one was found.
 */
class DeviceBindingTest {

    @Test
    void unixSocketsAfterTheOneSoughtAreNotTakenForIt() throws Exception {
        assumeTrue(DeviceBinding.usable(), "Linux with native access");
        List<SocketChannel> unix = new ArrayList<>();
        try (Socket tcp = new Socket()) {
            tcp.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            // Unbound Unix sockets, as the JDK puts in place of a socket closed while in use: their
            // address is the family alone. Opened after the TCP socket, most get higher descriptors.
            for (int i = 0; i < 32; i++) {
                unix.add(SocketChannel.open(StandardProtocolFamily.UNIX));
            }
            assertThat(DeviceBinding.markOf(false, tcp.getLocalPort())).isZero();
        } finally {
            for (SocketChannel c : unix) {
                c.close();
            }
        }
    }

    @Test
    void aListenerAndItsAcceptedConnectionOnTheSamePortAreNotTheSocketSought() throws Exception {
        assumeTrue(DeviceBinding.usable(), "Linux with native access");
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
             Socket client = new Socket(listener.getInetAddress(), listener.getLocalPort());
             Socket accepted = listener.accept();
             Socket unconnected = new Socket()) {
            // Another loopback address may hold the same port: the sought socket, unconnected.
            unconnected.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), listener.getLocalPort()));
            assertThat(accepted.getLocalPort()).isEqualTo(listener.getLocalPort());
            assertThat(DeviceBinding.markOf(false, listener.getLocalPort())).isZero();
        }
    }
}
