package io.microlink.portmap;

import io.microlink.PortMapping;
import java.net.Inet4Address;
import java.net.InetSocketAddress;

/**
 * A mapping as one {@link MappingProtocol} got it.
 *
 * @param epochSeconds the gateway's epoch in the answer, -1 where the protocol has none (UPnP)
 * @param sinceNanos   when it was granted ({@link System#nanoTime()}), also when the epoch was read
 */
record Grant(PortMapProtocol protocol, Inet4Address gateway, int localPort, InetSocketAddress external,
             long lifetimeSeconds, long epochSeconds, long sinceNanos) {
    PortMapping mapping() {
        return new PortMapping(protocol.label(), external);
    }
}
