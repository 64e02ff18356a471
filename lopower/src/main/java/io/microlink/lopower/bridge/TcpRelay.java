package io.microlink.lopower.bridge;

import io.microlink.netstack.relay.FlowSlots;
import io.microlink.netstack.DroppedInput;
import io.microlink.netstack.socket.StreamRelay;
import io.microlink.netstack.socket.TailnetServerSocket;
import io.microlink.netstack.socket.TailnetSocket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * The devices' TCP connections, each terminated by the device-side stack and stitched to a
 * tailnet connection the bridge's node opens to the address and port the device asked for.
 * When that connection cannot be opened the device's is reset. Each device holds at most
 * {@code perDevice} connections; a removed device's are closed at once.
 */
final class TcpRelay implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(TcpRelay.class.getName());
    /** As tailscale's LOPOWER waits for its tailnet dial. */
    static final Duration DIAL_TIMEOUT = Duration.ofSeconds(10);

    private final TailnetServerSocket any;
    private final Uplink uplink;
    private final DeviceTable devices;
    private final BridgeCounters counters;
    private final FlowSlots<String, TailnetSocket> slots;
    private final DroppedInput drops = new DroppedInput(LOG, "device TCP connection");
    private Thread acceptor;

    TcpRelay(TailnetServerSocket any, Uplink uplink, DeviceTable devices, BridgeCounters counters, int perDevice) {
        this.any = any;
        this.uplink = uplink;
        this.devices = devices;
        this.counters = counters;
        this.slots = new FlowSlots<>(perDevice, Integer.MAX_VALUE);
    }

    void start() {
        acceptor = Thread.ofVirtual().name("lopower-tcp-accept").start(this::acceptLoop);
    }

    private void acceptLoop() {
        while (true) {
            TailnetSocket s;
            try {
                s = any.accept();
            } catch (IOException e) {
                return; // closed
            }
            Thread.ofVirtual().name("lopower-tcp").start(() -> {
                try {
                    relay(s);
                } catch (RuntimeException e) {
                    drops.record(e);
                    s.close();
                }
            });
        }
    }

    private void relay(TailnetSocket device) {
        String name = devices.nameOf(device.getRemoteSocketAddress().getAddress());
        if (name == null) {
            device.close(); // removed between its SYN and now
            return;
        }
        if (!slots.take(name, device)) {
            counters.add(BridgeCounters.Event.REFUSED_DEVICE_LIMIT);
            device.close();
            return;
        }
        try {
            InetSocketAddress to = device.getLocalSocketAddress();
            TailnetSocket tailnet;
            try {
                tailnet = uplink.dial(to.getAddress(), to.getPort(), DIAL_TIMEOUT);
            } catch (IOException | RuntimeException e) {
                counters.add(BridgeCounters.Event.TCP_DIAL_FAILED);
                LOG.log(System.Logger.Level.DEBUG, "{0}: cannot reach {1}: {2}", name, to, e.getMessage());
                device.abort(); // RST: the device's client fails at once, as if the far end refused
                return;
            }
            counters.add(BridgeCounters.Event.TCP_CONNECTIONS_RELAYED);
            StreamRelay.run(device, tailnet);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            device.close();
        } finally {
            slots.release(name, device);
        }
    }

    /** Closes every connection of a removed device. */
    void closeDevice(String name) {
        slots.closeAll(name);
    }

    int connections(String name) {
        return slots.count(name);
    }

    @Override
    public void close() {
        any.close();
        if (acceptor != null) {
            acceptor.interrupt();
        }
        slots.closeEverything();
    }
}
