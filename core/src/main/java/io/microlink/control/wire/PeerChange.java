package io.microlink.control.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;

/** A small change to one peer ({@code tailcfg.PeerChange}); null fields are unchanged. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record PeerChange(
        @JsonProperty("NodeID") long nodeId,
        @JsonProperty("DERPRegion") Integer derpRegion,
        @JsonProperty("Endpoints") List<String> endpoints,
        @JsonProperty("Key") String key,
        @JsonProperty("DiscoKey") String discoKey,
        @JsonProperty("Online") Boolean online,
        @JsonProperty("LastSeen") Instant lastSeen,
        @JsonProperty("KeyExpiry") Instant keyExpiry) {}
