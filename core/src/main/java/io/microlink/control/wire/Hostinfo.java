package io.microlink.control.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** What a node tells control about itself ({@code tailcfg.Hostinfo}); unknown fields are ignored. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Hostinfo(
        @JsonProperty("IPNVersion") String ipnVersion,
        @JsonProperty("OS") String os,
        @JsonProperty("OSVersion") String osVersion,
        @JsonProperty("Hostname") String hostname,
        @JsonProperty("GoArch") String arch,
        @JsonProperty("Userspace") Boolean userspace,
        @JsonProperty("NetInfo") NetInfo netInfo) {

    /** Network conditions a node reports ({@code tailcfg.NetInfo}). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record NetInfo(
            @JsonProperty("PreferredDERP") Integer preferredDerp,
            @JsonProperty("DERPLatency") java.util.Map<String, Double> derpLatency,
            @JsonProperty("WorkingUDP") Boolean workingUdp,
            @JsonProperty("WorkingIPv6") Boolean workingIpv6) {}
}
