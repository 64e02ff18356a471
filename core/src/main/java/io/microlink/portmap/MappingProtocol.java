package io.microlink.portmap;

import java.io.IOException;
import java.net.Inet4Address;

/** One way of asking the gateway for a UDP mapping: NAT-PMP, PCP or UPnP. Blocking; one caller at a time. */
interface MappingProtocol {
    PortMapProtocol kind();

    /** Asks {@code gateway} to map UDP {@code localPort} of ours; null when it does not answer or refuses. */
    Grant map(Inet4Address gateway, int localPort) throws IOException;

    /** The gateway's epoch now, or -1 when it has none or did not say. */
    long epoch(Inet4Address gateway) throws IOException;

    /** Asks the gateway to drop {@code grant}; best effort. */
    void delete(Grant grant) throws IOException;
}
