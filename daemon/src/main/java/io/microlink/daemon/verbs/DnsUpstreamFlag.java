package io.microlink.daemon.verbs;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.microlink.daemon.api.ApiProtocol;
import io.microlink.daemon.cli.UsageException;
import io.microlink.host.settings.InvalidSettingsException;
import io.microlink.host.settings.NodeSettings;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.stream.Collectors;

/**
 * {@code --dns-upstream IP[:PORT],...}, read one way for {@code up} (the daemon's
 * {@code dnsUpstreams} setting) and {@code lopower start} (the bridge's forwarder), so both
 * accept and refuse the same text with the same words.
 */
final class DnsUpstreamFlag {
    static final String FLAG = "--dns-upstream";

    private DnsUpstreamFlag() {}

    /** The flag's comma-separated entries as the setting's list; an empty value is an empty list. */
    static ArrayNode setting(String flag) {
        ArrayNode list = ApiProtocol.object().arrayNode();
        for (String entry : flag.split(",")) {
            if (!entry.isBlank()) {
                list.add(entry.strip());
            }
        }
        return list;
    }

    /** The flag's resolvers (port 53 where none is given), checked as the daemon checks its setting. */
    static List<InetSocketAddress> addresses(String flag) throws UsageException {
        ObjectNode patch = ApiProtocol.object();
        patch.set(NodeSettings.Field.DNS_UPSTREAMS.jsonName(), setting(flag));
        try {
            return NodeSettings.defaults().withChanges(patch).dnsUpstreamAddresses();
        } catch (InvalidSettingsException e) {
            throw new UsageException(e.problems().stream().map(p -> FLAG + ": " + p.message())
                    .collect(Collectors.joining("; ")));
        }
    }
}
