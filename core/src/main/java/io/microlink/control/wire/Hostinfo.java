package io.microlink.control.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What a node tells control about itself ({@code tailcfg.Hostinfo}); unknown fields are ignored.
 * {@code RoutableIPs} are the routes it offers (subnets, 0.0.0.0/0 and ::/0 for an exit node),
 * which control lists for approval. {@code Services} are what it serves its peers; a peer's
 * peerapi ports and whether it answers DNS for them ({@code peerapi-dns-proxy}) are read from there.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Hostinfo(
        @JsonProperty("IPNVersion") String ipnVersion,
        @JsonProperty("OS") String os,
        @JsonProperty("OSVersion") String osVersion,
        @JsonProperty("Hostname") String hostname,
        @JsonProperty("GoArch") String arch,
        @JsonProperty("Userspace") Boolean userspace,
        @JsonProperty("NetInfo") NetInfo netInfo,
        @JsonProperty("RoutableIPs") java.util.List<String> routableIps,
        @JsonProperty("Services") java.util.List<Service> services) {

    /** The canonical form, which Jackson reads with. */
    @com.fasterxml.jackson.annotation.JsonCreator
    public Hostinfo {
        routableIps = routableIps == null ? null : java.util.List.copyOf(routableIps);
        services = services == null ? null : services.stream().filter(java.util.Objects::nonNull).toList();
    }

    /** A node that offers these routes and no services. */
    public Hostinfo(String ipnVersion, String os, String osVersion, String hostname, String arch, Boolean userspace,
                    NetInfo netInfo, java.util.List<String> routableIps) {
        this(ipnVersion, os, osVersion, hostname, arch, userspace, netInfo, routableIps, null);
    }

    /** A node that offers no routes. */
    public Hostinfo(String ipnVersion, String os, String osVersion, String hostname, String arch, Boolean userspace,
                    NetInfo netInfo) {
        this(ipnVersion, os, osVersion, hostname, arch, userspace, netInfo, null, null);
    }

    /**
     * One service a node offers its peers ({@code tailcfg.Service}): {@code Proto} such as
     * {@code peerapi4}, {@code peerapi6} or {@code peerapi-dns-proxy}, and its port (0 when it has none).
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Service(@JsonProperty("Proto") String proto, @JsonProperty("Port") int port) {}

    /** Network conditions a node reports ({@code tailcfg.NetInfo}). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record NetInfo(
            @JsonProperty("PreferredDERP") Integer preferredDerp,
            @JsonProperty("DERPLatency") java.util.Map<String, Double> derpLatency,
            @JsonProperty("WorkingUDP") Boolean workingUdp,
            @JsonProperty("WorkingIPv6") Boolean workingIpv6) {}
}
