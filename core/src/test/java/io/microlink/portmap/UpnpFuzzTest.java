package io.microlink.portmap;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.net.URI;

/**
 * Whatever a gateway (or anyone answering SSDP) sends, the UPnP parsers return a result or
 * refuse it with an {@link IOException}, nothing else.
 */
class UpnpFuzzTest {
    private static final URI LOCATION = URI.create("http://192.168.1.1:5000/rootDesc.xml");

    @FuzzTest
    void gatewayXmlNeverThrowsAnythingElse(byte[] xml) {
        try {
            UpnpXml.Service s = UpnpXml.wanIpConnection(xml, LOCATION);
            if (!"http".equalsIgnoreCase(s.control().getScheme())) {
                throw new AssertionError("a control URL that is not http: " + s.control());
            }
        } catch (PortMapProtocolException expected) {
            // refused, as it should be
        }
        try {
            UpnpClient.ipv4(UpnpXml.soapValue(xml, "NewExternalIPAddress"));
        } catch (PortMapProtocolException expected) {
            // refused
        }
    }

    @FuzzTest
    void gatewayHttpAndSsdpNeverThrowAnythingElse(byte[] answer) {
        Ssdp.location(answer, 0, answer.length);
        try {
            GatewayHttp.parse(answer);
        } catch (IOException expected) {
            // refused
        }
    }
}
