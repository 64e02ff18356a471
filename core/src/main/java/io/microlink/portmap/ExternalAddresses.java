package io.microlink.portmap;

import java.net.Inet4Address;

/** Which external addresses a gateway names are endpoints a peer could use. */
final class ExternalAddresses {
    private ExternalAddresses() {}

    /**
     * Whether peers could send to {@code a}: not "this host" (0/8), loopback, link-local,
     * multicast or the reserved 240/4 with broadcast, which would have a peer send to itself,
     * its own link or everyone there, whatever a gateway (or someone posing as one) says.
     */
    static boolean usable(Inet4Address a) {
        if (a == null) {
            return false;
        }
        int first = a.getAddress()[0] & 0xFF;
        return first != 0 && first < 240 && !a.isLoopbackAddress() && !a.isLinkLocalAddress()
                && !a.isMulticastAddress();
    }
}
