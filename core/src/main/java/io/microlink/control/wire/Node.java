package io.microlink.control.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A node of the tailnet as control describes it ({@code tailcfg.Node}): the self node or a
 * peer. Keys stay in their text form here; the netmap turns them into key objects.
 *
 * @param name     the FQDN with a trailing dot, e.g. {@code ts1.tailnet.test.}
 * @param online   null when control does not say
 * @param homeDerp the home DERP region; 0 when unknown (see {@link #derp} for old servers)
 * @param capabilities legacy node attributes; {@code capMap} keys are the current form
 * @param capMap   node attributes (e.g. {@code magicdns-aaaa}) with their optional arguments
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Node(
        @JsonProperty("ID") long id,
        @JsonProperty("StableID") String stableId,
        @JsonProperty("Name") String name,
        @JsonProperty("User") long user,
        @JsonProperty("Key") String key,
        @JsonProperty("KeyExpiry") Instant keyExpiry,
        @JsonProperty("Machine") String machine,
        @JsonProperty("DiscoKey") String discoKey,
        @JsonProperty("Addresses") List<String> addresses,
        @JsonProperty("AllowedIPs") List<String> allowedIps,
        @JsonProperty("Endpoints") List<String> endpoints,
        @JsonProperty("DERP") String derp,
        @JsonProperty("HomeDERP") int homeDerp,
        @JsonProperty("Hostinfo") Hostinfo hostinfo,
        @JsonProperty("Online") Boolean online,
        @JsonProperty("LastSeen") Instant lastSeen,
        @JsonProperty("MachineAuthorized") boolean machineAuthorized,
        @JsonProperty("Expired") boolean expired,
        @JsonProperty("Tags") List<String> tags,
        @JsonProperty("PrimaryRoutes") List<String> primaryRoutes,
        @JsonProperty("Capabilities") List<String> capabilities,
        @JsonProperty("CapMap") Map<String, JsonNode> capMap) {

    /** Whether control gave this node an attribute, in either form ({@code tailcfg.NetworkMap.AllCaps}). */
    public boolean hasCapability(String name) {
        return (capabilities != null && capabilities.contains(name)) || (capMap != null && capMap.containsKey(name));
    }

    /** The home region: {@code HomeDERP}, else the legacy {@code DERP} field "127.3.3.40:REGION". */
    public int homeRegion() {
        if (homeDerp != 0 || derp == null) {
            return homeDerp;
        }
        int colon = derp.lastIndexOf(':');
        try {
            return colon < 0 ? 0 : Integer.parseInt(derp.substring(colon + 1));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
