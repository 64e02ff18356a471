package io.microlink.control.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What a node tells control about itself ({@code tailcfg.Hostinfo}); unknown fields are ignored.
 * {@code RoutableIPs} are the routes it offers (subnets, 0.0.0.0/0 and ::/0 for an exit node),
 * which control lists for approval.
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
        @JsonProperty("RoutableIPs") java.util.List<String> routableIps) {

    /** The canonical form, which Jackson reads with. */
    @com.fasterxml.jackson.annotation.JsonCreator
    public Hostinfo {
        routableIps = routableIps == null ? null : java.util.List.copyOf(routableIps);
    }

    /** A node that offers no routes. */
    public Hostinfo(String ipnVersion, String os, String osVersion, String hostname, String arch, Boolean userspace,
                    NetInfo netInfo) {
        this(ipnVersion, os, osVersion, hostname, arch, userspace, netInfo, null);
    }

    /** Network conditions a node reports ({@code tailcfg.NetInfo}). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record NetInfo(
            @JsonProperty("PreferredDERP") Integer preferredDerp,
            @JsonProperty("DERPLatency") java.util.Map<String, Double> derpLatency,
            @JsonProperty("WorkingUDP") Boolean workingUdp,
            @JsonProperty("WorkingIPv6") Boolean workingIpv6) {}
}
