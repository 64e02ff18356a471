package io.microlink.control.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One message of the map stream ({@code tailcfg.MapResponse}). The first is a full map;
 * later ones are deltas, in which an absent (null) field means "unchanged".
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record MapResponse(
        @JsonProperty("KeepAlive") boolean keepAlive,
        @JsonProperty("Node") Node node,
        @JsonProperty("DERPMap") DerpMap derpMap,
        @JsonProperty("Peers") List<Node> peers,
        @JsonProperty("PeersChanged") List<Node> peersChanged,
        @JsonProperty("PeersRemoved") List<Long> peersRemoved,
        @JsonProperty("PeersChangedPatch") List<PeerChange> peersChangedPatch,
        @JsonProperty("PeerSeenChange") Map<Long, Boolean> peerSeenChange,
        @JsonProperty("OnlineChange") Map<Long, Boolean> onlineChange,
        @JsonProperty("DNSConfig") DnsConfig dnsConfig,
        @JsonProperty("Domain") String domain,
        @JsonProperty("PacketFilter") List<FilterRule> packetFilter,
        @JsonProperty("PacketFilters") Map<String, List<FilterRule>> packetFilters,
        @JsonProperty("UserProfiles") List<UserProfile> userProfiles,
        @JsonProperty("ControlTime") Instant controlTime,
        @JsonProperty("PingRequest") PingRequest pingRequest) {}
