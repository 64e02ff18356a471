package io.microlink.portmap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The untrusted text a UPnP gateway sends: SSDP answers, HTTP, the description and SOAP. */
class UpnpXmlTest {
    private static final URI LOCATION = URI.create("http://192.168.1.1:5000/rootDesc.xml");

    private static String service(String type, String control) {
        return "<service><serviceType>" + type + "</serviceType><controlURL>" + control + "</controlURL></service>";
    }

    @Test
    void theControlUrlOfWanIpConnectionResolvedAgainstTheLocationOrUrlBase() throws Exception {
        String v1 = service("urn:schemas-upnp-org:service:WANIPConnection:1", "/ctl/IPConn");
        assertThat(UpnpXml.wanIpConnection(("<root xmlns=\"urn:schemas-upnp-org:device-1-0\"><device><serviceList>"
                + service("urn:schemas-upnp-org:service:WANPPPConnection:1", "/ppp") + v1
                + "</serviceList></device></root>").getBytes(StandardCharsets.UTF_8), LOCATION))
                .isEqualTo(new UpnpXml.Service("urn:schemas-upnp-org:service:WANIPConnection:1",
                        URI.create("http://192.168.1.1:5000/ctl/IPConn")));
        // version 2 first, wherever it is; URLBase wins over the location
        UpnpXml.Service s = UpnpXml.wanIpConnection(("<root><URLBase>http://192.168.1.1:49152/</URLBase>" + v1
                + service("urn:schemas-upnp-org:service:WANIPConnection:2", "upnp/control2") + "</root>")
                .getBytes(StandardCharsets.UTF_8), LOCATION);
        assertThat(s.type()).endsWith(":2");
        assertThat(s.control()).isEqualTo(URI.create("http://192.168.1.1:49152/upnp/control2"));
    }

    @Test
    void noServiceOrABadControlUrlOrADoctypeIsRefused() {
        assertThatThrownBy(() -> UpnpXml.wanIpConnection("<root/>".getBytes(StandardCharsets.UTF_8), LOCATION))
                .hasMessageContaining("no WANIPConnection");
        assertThatThrownBy(() -> UpnpXml.wanIpConnection(service("urn:schemas-upnp-org:service:WANIPConnection:1",
                "file:///etc/passwd").getBytes(StandardCharsets.UTF_8), LOCATION)).hasMessageContaining("not http");
        // a billion laughs needs a DTD, and none is read
        assertThatThrownBy(() -> UpnpXml.parse(("<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY a \"aaaa\">"
                + "<!ENTITY b \"&a;&a;&a;&a;\">]><r>&b;</r>").getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(PortMapProtocolException.class).hasMessageContaining("DOCTYPE");
        assertThatThrownBy(() -> UpnpXml.parse("<r>".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(PortMapProtocolException.class);
    }

    @Test
    void soapRequestsEscapeAndAnswersAreReadByLocalName() throws Exception {
        assertThat(UpnpXml.soapRequest("urn:x:1", "AddPortMapping", "NewRemoteHost", "", "NewDescription", "<a&b>"))
                .contains("<u:AddPortMapping xmlns:u=\"urn:x:1\"><NewRemoteHost></NewRemoteHost>"
                        + "<NewDescription>&lt;a&amp;b&gt;</NewDescription></u:AddPortMapping>");
        assertThat(UpnpXml.soapValue(("<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body>"
                + "<u:GetExternalIPAddressResponse xmlns:u=\"urn:x:1\"><NewExternalIPAddress> 198.51.100.7 "
                + "</NewExternalIPAddress></u:GetExternalIPAddressResponse></s:Body></s:Envelope>")
                .getBytes(StandardCharsets.UTF_8), "NewExternalIPAddress")).isEqualTo("198.51.100.7");
        assertThat(UpnpClient.ipv4("198.51.100.7")).isEqualTo(InetAddress.ofLiteral("198.51.100.7"));
        assertThat(UpnpClient.ipv4("gateway.example")).as("never looked up").isNull();
        assertThat(UpnpClient.ipv4("::1")).isNull();
    }

    @Test
    void ssdpAnswersGiveAnHttpLocation() {
        byte[] ok = ("HTTP/1.1 200 OK\r\nST: urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\n"
                + "Location: http://192.168.1.1:5000/rootDesc.xml\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        assertThat(Ssdp.location(ok, 0, ok.length)).isEqualTo(LOCATION);
        for (String bad : new String[] {"HTTP/1.1 404 Not Found\r\nLOCATION: http://192.168.1.1/\r\n\r\n",
            "HTTP/1.1 200 OK\r\nLOCATION: https://192.168.1.1/\r\n\r\n", "HTTP/1.1 200 OK\r\nLOCATION: :\r\n\r\n",
            "NOTIFY * HTTP/1.1\r\nLOCATION: http://192.168.1.1/\r\n\r\n"}) {
            byte[] b = bad.getBytes(StandardCharsets.US_ASCII);
            assertThat(Ssdp.location(b, 0, b.length)).as(bad).isNull();
        }
        assertThat(new String(Ssdp.search(), StandardCharsets.US_ASCII)).startsWith("M-SEARCH * HTTP/1.1\r\n")
                .contains("ST: urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\n").endsWith("\r\n\r\n");
    }

    @Test
    void httpAnswersWithLengthOrChunks() throws Exception {
        GatewayHttp.Response r = GatewayHttp.parse(("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabcdef")
                .getBytes(StandardCharsets.US_ASCII));
        assertThat(r.status()).isEqualTo(200);
        assertThat(new String(r.body(), StandardCharsets.US_ASCII)).isEqualTo("abc");
        r = GatewayHttp.parse(("HTTP/1.1 500 Internal Server Error\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        assertThat(r.status()).isEqualTo(500);
        assertThat(new String(r.body(), StandardCharsets.US_ASCII)).isEqualTo("abcde");
        assertThatThrownBy(() -> GatewayHttp.parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffff\r\nab"
                .getBytes(StandardCharsets.US_ASCII))).hasMessageContaining("longer than the answer");
        assertThatThrownBy(() -> GatewayHttp.parse("HTTP/1.1 200 OK\r\n".getBytes(StandardCharsets.US_ASCII)))
                .hasMessageContaining("end of its head");
    }

    @Test
    void whatMiniupnpdSends() throws Exception {
        // Debian's miniupnpd 2.3.1: an InternetGatewayDevice:2 whose WANIPConnection:2 is two devices down
        byte[] description;
        try (var in = UpnpXmlTest.class.getResourceAsStream("miniupnpd-rootDesc.xml")) {
            description = in.readAllBytes();
        }
        assertThat(UpnpXml.wanIpConnection(description, URI.create("http://10.77.0.1:5000/rootDesc.xml")))
                .isEqualTo(new UpnpXml.Service("urn:schemas-upnp-org:service:WANIPConnection:2",
                        URI.create("http://10.77.0.1:5000/ctl/IPConn")));
        assertThat(UpnpXml.soapValue(("<?xml version=\"1.0\"?>\r\n<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\""
                + " s:encodingStyle=\"http://schemas.xmlsoap.org/soap/encoding/\"><s:Body><u:GetExternalIPAddressResponse"
                + " xmlns:u=\"urn:schemas-upnp-org:service:WANIPConnection:2\"><NewExternalIPAddress>198.0.0.7"
                + "</NewExternalIPAddress></u:GetExternalIPAddressResponse></s:Body></s:Envelope>\r\n")
                .getBytes(StandardCharsets.UTF_8), "NewExternalIPAddress")).isEqualTo("198.0.0.7");
        assertThat(UpnpXml.soapValue(("<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\" s:encodingStyle="
                + "\"http://schemas.xmlsoap.org/soap/encoding/\"><s:Body><s:Fault><faultcode>s:Client</faultcode>"
                + "<faultstring>UPnPError</faultstring><detail><UPnPError xmlns=\"urn:schemas-upnp-org:control-1-0\">"
                + "<errorCode>718</errorCode><errorDescription>ConflictInMappingEntry</errorDescription></UPnPError>"
                + "</detail></s:Fault></s:Body></s:Envelope>").getBytes(StandardCharsets.UTF_8), "errorCode"))
                .isEqualTo("718");
        byte[] ssdp = ("HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=120\r\nST: urn:schemas-upnp-org:device:"
                + "InternetGatewayDevice:1\r\nUSN: uuid:3b6a5d2c-0000-4000-8000-000000000001::urn:schemas-upnp-org:device:"
                + "InternetGatewayDevice:1\r\nEXT:\r\nSERVER: Debian/6.18.44-fc-v1300 UPnP/1.1 MiniUPnPd/2.3.1\r\n"
                + "LOCATION: http://10.77.0.1:5000/rootDesc.xml\r\nOPT: \"http://schemas.upnp.org/upnp/1/0/\"; ns=01\r\n"
                + "01-NLS: 1796657847\r\nBOOTID.UPNP.ORG: 1796657847\r\nCONFIGID.UPNP.ORG: 1337\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        assertThat(Ssdp.location(ssdp, 0, ssdp.length)).isEqualTo(URI.create("http://10.77.0.1:5000/rootDesc.xml"));
    }

    @Test
    void elementsNestedDeeperThanTheLimitAreRefused() throws Exception {
        int depth = UpnpXml.MAX_DEPTH;
        assertThat(UpnpXml.parse(nested(depth)).getDocumentElement().getTagName()).isEqualTo("a");
        assertThatThrownBy(() -> UpnpXml.parse(nested(depth + 1))).isInstanceOf(PortMapProtocolException.class)
                .hasMessageContaining("does not parse");
    }

    private static byte[] nested(int depth) {
        return ("<a>".repeat(depth) + "</a>".repeat(depth)).getBytes(StandardCharsets.UTF_8);
    }
}
