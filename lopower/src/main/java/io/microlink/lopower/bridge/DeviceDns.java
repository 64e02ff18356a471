package io.microlink.lopower.bridge;

import io.microlink.netstack.socket.Netstack;
import java.io.IOException;

/**
 * The DNS server the devices ask at the bridge's addresses, port 53: UDP datagrams through
 * {@link #handle}, TCP once {@link #serveTcp} listens on the device-side stack. A running bridge
 * gives it core's {@code MagicDnsServer}; tests give it a stand-in.
 */
public interface DeviceDns extends Netstack.UdpService {
    /**
     * Answers over TCP port 53 of {@code stack}'s own addresses (the bridge's) until it closes.
     *
     * @throws IOException when the port is taken
     */
    void serveTcp(Netstack stack) throws IOException;
}
