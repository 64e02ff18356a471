package io.microlink.control.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/** The tailnet's DNS settings ({@code tailcfg.DNSConfig}); {@code proxied} means MagicDNS is on. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DnsConfig(
        @JsonProperty("Resolvers") List<Resolver> resolvers,
        @JsonProperty("Routes") Map<String, List<Resolver>> routes,
        @JsonProperty("FallbackResolvers") List<Resolver> fallbackResolvers,
        @JsonProperty("Domains") List<String> domains,
        @JsonProperty("Proxied") boolean proxied,
        @JsonProperty("ExtraRecords") List<Record> extraRecords) {

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Resolver(@JsonProperty("Addr") String addr) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Record(@JsonProperty("Name") String name, @JsonProperty("Type") String type,
                         @JsonProperty("Value") String value) {}
}
