package io.microlink.control.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** One packet-filter rule ({@code tailcfg.FilterRule}); an empty {@code ipProto} means TCP, UDP, ICMP. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record FilterRule(
        @JsonProperty("SrcIPs") List<String> srcIps,
        @JsonProperty("DstPorts") List<NetPortRange> dstPorts,
        @JsonProperty("IPProto") List<Integer> ipProto) {

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record NetPortRange(@JsonProperty("IP") String ip, @JsonProperty("Ports") PortRange ports) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record PortRange(@JsonProperty("First") int first, @JsonProperty("Last") int last) {}
}
