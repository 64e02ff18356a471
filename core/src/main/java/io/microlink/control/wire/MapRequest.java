package io.microlink.control.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * {@code POST /machine/map} body ({@code tailcfg.MapRequest}): a long poll
 * ({@code Stream:true}) or a lite update of endpoints and host info
 * ({@code Stream:false, OmitPeers:true}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MapRequest(
        @JsonProperty("Version") int version,
        @JsonProperty("Compress") String compress,
        @JsonProperty("KeepAlive") boolean keepAlive,
        @JsonProperty("NodeKey") String nodeKey,
        @JsonProperty("DiscoKey") String discoKey,
        @JsonProperty("Stream") boolean stream,
        @JsonProperty("OmitPeers") boolean omitPeers,
        @JsonProperty("Hostinfo") Hostinfo hostinfo,
        @JsonProperty("Endpoints") List<String> endpoints,
        @JsonProperty("EndpointTypes") List<Integer> endpointTypes) {}
