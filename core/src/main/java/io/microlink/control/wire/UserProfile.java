package io.microlink.control.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/** A tailnet user as nodes show it ({@code tailcfg.UserProfile}). */
@JsonIgnoreProperties(ignoreUnknown = true)
public record UserProfile(@JsonProperty("ID") long id, @JsonProperty("LoginName") String loginName,
                          @JsonProperty("DisplayName") String displayName) {}
