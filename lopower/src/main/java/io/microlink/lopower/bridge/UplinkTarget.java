package io.microlink.lopower.bridge;

import io.microlink.netstack.relay.RelayTarget;
import io.microlink.netstack.socket.StreamConnection;
import io.microlink.netstack.socket.TailnetDatagramSocket;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The devices' traffic carried on by the bridge's tailnet node: a device's connection becomes
 * the node's dial to the same address and port, each UDP flow a node UDP socket of its own, a
 * ping the node's own ICMP echo. A reply to a flow from anywhere but its destination is dropped
 * and counted ({@code udp_reply_from_elsewhere}).
 */
final class UplinkTarget implements RelayTarget {
    private final Uplink uplink;
    private final BridgeCounters counters;

    UplinkTarget(Uplink uplink, BridgeCounters counters) {
        this.uplink = uplink;
        this.counters = counters;
    }

    @Override
    public StreamConnection dial(InetSocketAddress to, Duration timeout) throws IOException {
        return uplink.dial(to.getAddress(), to.getPort(), timeout);
    }

    @Override
    public Datagrams openUdp(InetSocketAddress to, Consumer<byte[]> replies) throws IOException {
        TailnetDatagramSocket socket = uplink.bindUdp(0);
        deliverOnlyFrom(socket, to, replies, counters);
        return new Datagrams() {
            @Override
            public void send(byte[] payload) throws IOException {
                socket.send(to, payload);
            }

            @Override
            public void close() {
                socket.close();
            }
        };
    }

    @Override
    public boolean ping(InetAddress to, Duration timeout) {
        try {
            uplink.icmpPing(to, timeout);
            return true;
        } catch (IOException | TimeoutException | RuntimeException e) {
            return false; // no reply, or no way to send: the device's ping times out, as it should
        }
    }

    /**
     * Hands {@code replies} what {@code socket} receives from {@code to} only; anything from
     * elsewhere is counted and dropped (a flow answers its own destination, nobody else).
     */
    static void deliverOnlyFrom(TailnetDatagramSocket socket, InetSocketAddress to, Consumer<byte[]> replies,
                                BridgeCounters counters) {
        socket.onReceive(reply -> {
            if (reply.sender().equals(to)) {
                replies.accept(reply.data());
            } else {
                counters.add(BridgeCounters.Event.UDP_REPLY_FROM_ELSEWHERE);
            }
        });
    }
}
