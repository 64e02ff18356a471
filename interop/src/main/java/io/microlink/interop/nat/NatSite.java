package io.microlink.interop.nat;

import io.microlink.interop.NatTopology;

/** What stands between a LAN and the public network in the pair grid. */
public enum NatSite {
    /** One home router, endpoint-independent mapping. */
    EASY,
    /** One router that maps every destination to a new random port. */
    HARD,
    /** A home router behind a carrier's (CGNAT) router, both endpoint-independent. */
    DOUBLE,
    /** One home router, endpoint-independent, with a static forward of each node's UDP port to it. */
    FORWARDED,
    /** One router that lets no UDP out: no STUN, no direct path, only DERP over TCP. */
    UDP_BLOCKED;

    /** Builds the router(s) of this site in {@code lab}; hosts go on the returned router's LAN. */
    NatTopology.Router build(NatLab lab, String side) {
        NatTopology net = lab.net();
        return switch (this) {
            case EASY -> net.router("r" + side, NatTopology.Nat.EASY);
            case UDP_BLOCKED -> {
                NatTopology.Router r = net.router("r" + side, NatTopology.Nat.EASY);
                r.blockUdp();
                yield r;
            }
            case FORWARDED -> {
                NatTopology.Router r = net.router("r" + side, NatTopology.Nat.EASY);
                lab.forwardPortsOf(r);
                yield r;
            }
            case HARD -> net.router("r" + side, NatTopology.Nat.HARD);
            case DOUBLE -> net.router("r" + side, NatTopology.Nat.EASY,
                    net.router("cgnat" + side, NatTopology.Nat.EASY));
        };
    }

    /** The name in tables: {@code easy}, {@code hard}, {@code double}, {@code udp blocked}. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    }
}
