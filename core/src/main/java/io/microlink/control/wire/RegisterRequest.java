package io.microlink.control.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * {@code POST /machine/register} body ({@code tailcfg.RegisterRequest}). {@code Expiry} is
 * the zero time to register, and a past time to log out.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RegisterRequest(
        @JsonProperty("Version") int version,
        @JsonProperty("NodeKey") String nodeKey,
        @JsonProperty("OldNodeKey") String oldNodeKey,
        @JsonProperty("Auth") Auth auth,
        @JsonProperty("Expiry") String expiry,
        @JsonProperty("Followup") String followup,
        @JsonProperty("Hostinfo") Hostinfo hostinfo,
        @JsonProperty("Ephemeral") Boolean ephemeral) {

    /** Go's zero time: "register" rather than "log out". */
    public static final String ZERO_TIME = "0001-01-01T00:00:00Z";
    /** The past time tailscaled sends to log out. */
    public static final String LOGOUT_TIME = "1970-01-01T00:02:03Z";

    /** Pre-auth key credentials. {@code toString} hides the key. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Auth(@JsonProperty("AuthKey") String authKey) {
        @Override
        public String toString() {
            return "Auth[AuthKey=(hidden)]";
        }
    }
}
