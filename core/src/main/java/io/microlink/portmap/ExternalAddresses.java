package io.microlink.portmap;

import java.net.Inet4Address;

/** Which external addresses a gateway names are endpoints a peer could use. */
final class ExternalAddresses {
    private ExternalAddresses() {}

    /**
     * Whether peers could send to {@code a}: not "this host" (0/8), loopback, link-local,
     * multicast or the reserved 240/4 with broadcast, which would have a peer send to itself,
     * its own link or everyone there, whatever a gateway (or someone posing as one) says; nor
     * the shared 100.64.0.0/10, which is also the tailnet's own range, so a peer would send
     * that endpoint into its tailnet instead of to us.
     *
     * <p>A private (RFC 1918) address is kept, as tailscaled's port mapper keeps it (it only
     * prefers a public one among several UPnP gateways): behind a second NAT, peers on the
     * outer network can still use the mapping, and others just never reach it.
     */
    static boolean usable(Inet4Address a) {
        if (a == null) {
            return false;
        }
        int first = a.getAddress()[0] & 0xFF;
        int second = a.getAddress()[1] & 0xFF;
        boolean sharedOrTailnet = first == 100 && (second & 0xC0) == 64;
        return first != 0 && first < 240 && !sharedOrTailnet && !a.isLoopbackAddress() && !a.isLinkLocalAddress()
                && !a.isMulticastAddress();
    }
}
