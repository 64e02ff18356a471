package io.microlink.dns;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.microlink.control.wire.Node;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class ExitNodeDohTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A peer as control sends it, with these Hostinfo services. */
    private static Node exitNode(String addresses, String services) throws Exception {
        return JSON.readValue(("{'ID':7,'Name':'exit.tailnet.test.','Addresses':" + addresses
                + ",'Hostinfo':{'Hostname':'exit','Services':" + services + "}}").replace('\'', '"'), Node.class);
    }

    private static final String DUAL = "['100.64.0.7/32','fd7a:115c:a1e0::7/128']";
    private static final String ALL = "[{'Proto':'peerapi4','Port':41641},{'Proto':'peerapi6','Port':41642},"
            + "{'Proto':'peerapi-dns-proxy','Port':1},{'Proto':'tcp','Port':22}]";

    @Test
    void aNodeOfferingDnsIsAskedOnItsIpv4PeerApiWhenThisNodeHasIpv4ElseOnItsIpv6One() throws Exception {
        Node exit = exitNode(DUAL, ALL);
        InetSocketAddress v4 = new InetSocketAddress(InetAddress.ofLiteral("100.64.0.7"), 41641);
        assertThat(ExitNodeDoh.endpoint(exit, true)).contains(v4);
        assertThat(ExitNodeDoh.url(v4)).isEqualTo("http://100.64.0.7:41641/dns-query");
        InetSocketAddress v6 = new InetSocketAddress(InetAddress.ofLiteral("fd7a:115c:a1e0::7"), 41642);
        assertThat(ExitNodeDoh.endpoint(exit, false)).contains(v6);
        assertThat(ExitNodeDoh.url(v6)).isEqualTo("http://[fd7a:115c:a1e0::7]:41642/dns-query");
        // An IPv6-only exit node is asked on IPv6 even by a node with IPv4.
        assertThat(ExitNodeDoh.endpoint(exitNode("['fd7a:115c:a1e0::7/128']", ALL), true)).contains(v6);
    }

    @Test
    void aNodeWithoutTheDnsServiceOrAUsablePeerApiOffersNone() throws Exception {
        assertThat(ExitNodeDoh.endpoint(exitNode(DUAL, "[{'Proto':'peerapi4','Port':41641}]"), true)).isEmpty();
        assertThat(ExitNodeDoh.endpoint(exitNode(DUAL, "null"), true)).isEmpty();
        assertThat(ExitNodeDoh.endpoint(exitNode(DUAL,
                "[{'Proto':'peerapi-dns-proxy','Port':1},{'Proto':'peerapi4','Port':0},{'Proto':'peerapi6','Port':70000}]"),
                true)).isEmpty();
        assertThat(ExitNodeDoh.endpoint(exitNode("['100.64.0.7/32']",
                "[{'Proto':'peerapi-dns-proxy','Port':1},{'Proto':'peerapi4','Port':41641}]"), false)).isEmpty();
    }
}
