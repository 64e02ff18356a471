package io.microlink.magicsock;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class EndpointTextTest {
    @Test
    void writesAndReadsBothFamiliesAsControlDoes() {
        assertThat(EndpointText.format(new InetSocketAddress("192.0.2.1", 41641))).isEqualTo("192.0.2.1:41641");
        assertThat(EndpointText.format(new InetSocketAddress("2001:db8::1", 5))).isEqualTo("[2001:db8:0:0:0:0:0:1]:5");
        assertThat(EndpointText.parse("192.0.2.1:41641")).contains(new InetSocketAddress("192.0.2.1", 41641));
        assertThat(EndpointText.parse("[2001:db8::1]:5")).contains(new InetSocketAddress("2001:db8::1", 5));
    }

    @Test
    void skipsWhatIsNotAnAddressLiteralWithAPort() {
        assertThat(EndpointText.parse("relay.example:41641")).as("no DNS lookups").isEmpty();
        assertThat(EndpointText.parse("192.0.2.1")).isEmpty();
        assertThat(EndpointText.parse(":41641")).isEmpty();
        assertThat(EndpointText.parse("192.0.2.1:0")).isEmpty();
        assertThat(EndpointText.parse("192.0.2.1:65536")).isEmpty();
        assertThat(EndpointText.parse("192.0.2.1:x")).isEmpty();
        assertThat(EndpointText.parse("999.0.0.1:1")).as("not an IPv4 address, and no DNS lookup either").isEmpty();
        assertThat(EndpointText.parse("[fe80::1:x]:1")).isEmpty();
    }
}
