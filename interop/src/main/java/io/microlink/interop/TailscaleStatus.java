package io.microlink.interop;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The parts of {@code tailscale status --json} the tests look at. Field names are the Go
 * struct names of ipnstate.Status / ipnstate.PeerStatus.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TailscaleStatus(
        @JsonProperty("BackendState") String backendState,
        @JsonProperty("TailscaleIPs") List<String> tailscaleIps,
        @JsonProperty("MagicDNSSuffix") String magicDnsSuffix,
        @JsonProperty("Self") Peer self,
        @JsonProperty("Peer") Map<String, Peer> peers,
        @JsonProperty("Health") List<String> health) {

    /** One node as seen from the reporting node. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Peer(
            @JsonProperty("ID") String id,
            @JsonProperty("PublicKey") String publicKey,
            @JsonProperty("HostName") String hostName,
            @JsonProperty("DNSName") String dnsName,
            @JsonProperty("OS") String os,
            @JsonProperty("TailscaleIPs") List<String> tailscaleIps,
            @JsonProperty("Relay") String relay,
            @JsonProperty("CurAddr") String curAddr,
            @JsonProperty("Online") boolean online,
            @JsonProperty("Active") boolean active,
            @JsonProperty("RxBytes") long rxBytes,
            @JsonProperty("TxBytes") long txBytes,
            @JsonProperty("PrimaryRoutes") List<String> primaryRoutes,
            @JsonProperty("ExitNodeOption") boolean exitNodeOption,
            @JsonProperty("PeerAPIURL") List<String> peerApiUrls) {

        /** The peer's peerAPI base URLs ({@code http://ip:port}) from its Hostinfo services, none when it offers none. */
        @Override
        public List<String> peerApiUrls() {
            return peerApiUrls == null ? List.of() : peerApiUrls;
        }

        /** The subnet routes control made this peer the primary router of, as the reporting node took them. */
        @Override
        public List<String> primaryRoutes() {
            return primaryRoutes == null ? List.of() : primaryRoutes;
        }
    }

    public List<Peer> peerList() {
        return peers == null ? List.of() : List.copyOf(peers.values());
    }

    public Optional<Peer> peer(String hostName) {
        return peerList().stream().filter(p -> hostName.equals(p.hostName())).findFirst();
    }

    /** The condition headscale's own suite waits for: online, named, and with a home DERP. */
    public boolean seesOnlineWithHomeDerp(String hostName) {
        return peer(hostName).map(p -> p.online() && p.relay() != null && !p.relay().isEmpty()).orElse(false);
    }
}
