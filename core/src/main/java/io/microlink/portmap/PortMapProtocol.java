package io.microlink.portmap;

/** The ways a gateway can be asked for a port mapping, by the names status output shows. */
public enum PortMapProtocol {
    /** NAT-PMP, RFC 6886. */
    NAT_PMP("NAT-PMP"),
    /** PCP, RFC 6887. */
    PCP("PCP"),
    /** UPnP IGD's WANIPConnection service. */
    UPNP("UPnP");

    private final String label;

    PortMapProtocol(String label) {
        this.label = label;
    }

    /** How users know it: "NAT-PMP", "PCP", "UPnP". */
    public String label() {
        return label;
    }
}
