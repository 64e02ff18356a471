package io.microlink.portmap;

import io.microlink.PortMapping;
import java.net.Inet4Address;
import java.net.InetSocketAddress;

/**
 * A mapping as one {@link MappingProtocol} got it.
 *
 * @param epochSeconds the gateway's epoch in the answer, -1 where the protocol has none (UPnP)
 * @param sinceNanos   when it was granted ({@link System#nanoTime()}), also when the epoch was read
 * @param upnpService  the UPnP service that granted it, null for the other protocols: the mapping
 *                     is deleted there, whichever gateway the client has talked to since
 */
record Grant(PortMapProtocol protocol, Inet4Address gateway, int localPort, InetSocketAddress external,
             long lifetimeSeconds, long epochSeconds, long sinceNanos, UpnpXml.Service upnpService) {
    /** A grant by NAT-PMP or PCP, which need nothing but the gateway's address to delete it. */
    Grant(PortMapProtocol protocol, Inet4Address gateway, int localPort, InetSocketAddress external,
          long lifetimeSeconds, long epochSeconds, long sinceNanos) {
        this(protocol, gateway, localPort, external, lifetimeSeconds, epochSeconds, sinceNanos, null);
    }

    PortMapping mapping() {
        return new PortMapping(protocol.label(), external);
    }
}
