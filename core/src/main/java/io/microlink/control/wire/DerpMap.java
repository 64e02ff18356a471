package io.microlink.control.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/** The DERP relays control offers ({@code tailcfg.DERPMap}), keyed by region ID. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DerpMap(@JsonProperty("Regions") Map<Integer, Region> regions) {

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Region(
            @JsonProperty("RegionID") int regionId,
            @JsonProperty("RegionCode") String regionCode,
            @JsonProperty("RegionName") String regionName,
            @JsonProperty("Avoid") boolean avoid,
            @JsonProperty("Nodes") List<DerpNode> nodes) {}

    /**
     * One relay server. {@code ipv4}/{@code ipv6} are literals to dial ("none" disables that
     * family); {@code derpPort} 0 means the scheme's default.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record DerpNode(
            @JsonProperty("Name") String name,
            @JsonProperty("RegionID") int regionId,
            @JsonProperty("HostName") String hostName,
            @JsonProperty("CertName") String certName,
            @JsonProperty("IPv4") String ipv4,
            @JsonProperty("IPv6") String ipv6,
            @JsonProperty("STUNPort") int stunPort,
            @JsonProperty("STUNOnly") boolean stunOnly,
            @JsonProperty("DERPPort") int derpPort,
            @JsonProperty("InsecureForTests") boolean insecureForTests) {}
}
