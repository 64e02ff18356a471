package io.microlink.control.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Control asking the node to prove it is alive ({@code tailcfg.PingRequest}): with no
 * {@code types}, by an HTTP HEAD to {@code url}. headscale sends one every 10 s to each router of
 * a prefix two nodes serve, and moves the primary role off a router that does not answer.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record PingRequest(
        @JsonProperty("URL") String url,
        @JsonProperty("URLIsNoise") boolean urlIsNoise,
        @JsonProperty("Types") String types) {}
