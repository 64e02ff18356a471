package io.microlink.control.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/** Answer to a registration ({@code tailcfg.RegisterResponse}). */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RegisterResponse(
        @JsonProperty("User") User user,
        @JsonProperty("Login") Login login,
        @JsonProperty("NodeKeyExpired") boolean nodeKeyExpired,
        @JsonProperty("MachineAuthorized") boolean machineAuthorized,
        @JsonProperty("AuthURL") String authUrl,
        @JsonProperty("Error") String error) {

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record User(@JsonProperty("ID") long id, @JsonProperty("DisplayName") String displayName) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Login(@JsonProperty("ID") long id, @JsonProperty("LoginName") String loginName,
                        @JsonProperty("DisplayName") String displayName) {}
}
