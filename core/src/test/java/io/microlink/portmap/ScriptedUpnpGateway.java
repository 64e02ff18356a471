package io.microlink.portmap;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A UPnP IGD on a loopback address for unit tests: SSDP on its port 1900, the description and
 * the WANIPConnection:1 control URL over HTTP, shaped like miniupnpd's. Tests change the fields
 * while it runs.
 */
final class ScriptedUpnpGateway implements AutoCloseable {
    static final String SERVICE = "urn:schemas-upnp-org:service:WANIPConnection:1";
    final Inet4Address address;
    private final DatagramSocket ssdp;
    private final ServerSocket http;
    /** Null: the description's own URL. */
    volatile String location;
    volatile String description;
    volatile String externalIp = "203.0.113.2";
    /** The UPnP error AddPortMapping answers with, 0 for success. */
    volatile int addError;
    final List<String> actions = new CopyOnWriteArrayList<>();

    ScriptedUpnpGateway(String address) throws IOException {
        this.address = (Inet4Address) InetAddress.ofLiteral(address);
        ssdp = new DatagramSocket(new InetSocketAddress(this.address, Ssdp.PORT));
        http = new ServerSocket(0, 10, this.address);
        description = """
                <?xml version="1.0"?>
                <root xmlns="urn:schemas-upnp-org:device-1-0"><specVersion><major>1</major><minor>1</minor></specVersion>
                <device><deviceType>urn:schemas-upnp-org:device:InternetGatewayDevice:1</deviceType>
                <serviceList><service><serviceType>urn:schemas-upnp-org:service:Layer3Forwarding:1</serviceType>
                <controlURL>/ctl/L3F</controlURL></service></serviceList>
                <deviceList><device><deviceType>urn:schemas-upnp-org:device:WANDevice:1</deviceType>
                <deviceList><device><deviceType>urn:schemas-upnp-org:device:WANConnectionDevice:1</deviceType>
                <serviceList><service><serviceType>%s</serviceType><serviceId>urn:upnp-org:serviceId:WANIPConn1</serviceId>
                <controlURL>/ctl/IPConn</controlURL><eventSubURL>/evt/IPConn</eventSubURL><SCPDURL>/WANIPCn.xml</SCPDURL>
                </service></serviceList></device></deviceList></device></deviceList></device></root>
                """.formatted(SERVICE);
        Thread.startVirtualThread(this::answerSsdp);
        Thread.startVirtualThread(this::serveHttp);
    }

    String ownLocation() {
        return "http://" + address.getHostAddress() + ":" + http.getLocalPort() + "/rootDesc.xml";
    }

    private void answerSsdp() {
        byte[] buf = new byte[2048];
        while (!ssdp.isClosed()) {
            try {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                ssdp.receive(p);
                byte[] a = ("HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=120\r\nST: urn:schemas-upnp-org:device:"
                        + "InternetGatewayDevice:1\r\nUSN: uuid:1::urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\n"
                        + "EXT:\r\nSERVER: Debian/12 UPnP/1.1 MiniUPnPd/2.3\r\nLOCATION: "
                        + (location == null ? ownLocation() : location) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
                ssdp.send(new DatagramPacket(a, a.length, p.getSocketAddress()));
            } catch (IOException e) {
                // closed: the test is over
            }
        }
    }

    private void serveHttp() {
        while (!http.isClosed()) {
            try (Socket s = http.accept()) {
                s.setSoTimeout(5000);
                String request = readRequest(s.getInputStream());
                s.getOutputStream().write(respond(request).getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                // closed, or a client that went away
            }
        }
    }

    private String respond(String request) {
        if (request.startsWith("GET /rootDesc.xml ")) {
            return http(200, description);
        }
        Matcher action = Pattern.compile("SOAPAction: \"" + Pattern.quote(SERVICE) + "#(\\w+)\"").matcher(request);
        if (!request.startsWith("POST /ctl/IPConn ") || !action.find()) {
            return http(404, "");
        }
        String name = action.group(1);
        actions.add(name + request.substring(request.indexOf("\r\n\r\n") + 4));
        String body = switch (name) {
            case "GetExternalIPAddress" -> "<NewExternalIPAddress>" + externalIp + "</NewExternalIPAddress>";
            case "AddPortMapping" -> {
                if (addError != 0) {
                    yield null;
                }
                yield "";
            }
            default -> "";
        };
        if (body == null) {
            return http(500, "<?xml version=\"1.0\"?><s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\">"
                    + "<s:Body><s:Fault><faultcode>s:Client</faultcode><faultstring>UPnPError</faultstring><detail>"
                    + "<UPnPError xmlns=\"urn:schemas-upnp-org:control-1-0\"><errorCode>" + addError
                    + "</errorCode></UPnPError></detail></s:Fault></s:Body></s:Envelope>");
        }
        return http(200, "<?xml version=\"1.0\"?><s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\">"
                + "<s:Body><u:" + name + "Response xmlns:u=\"" + SERVICE + "\">" + body + "</u:" + name
                + "Response></s:Body></s:Envelope>");
    }

    private static String http(int status, String body) {
        return "HTTP/1.1 " + status + " X\r\nContent-Type: text/xml\r\nContent-Length: "
                + body.getBytes(StandardCharsets.UTF_8).length + "\r\nConnection: close\r\n\r\n" + body;
    }

    private static String readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        int length = -1;
        while (true) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            all.write(b);
            String s = all.toString(StandardCharsets.UTF_8);
            int end = s.indexOf("\r\n\r\n");
            if (end >= 0) {
                if (length < 0) {
                    Matcher m = Pattern.compile("(?i)Content-Length: (\\d+)").matcher(s);
                    length = m.find() ? Integer.parseInt(m.group(1)) : 0;
                }
                if (all.size() >= end + 4 + length) {
                    break;
                }
            }
        }
        return all.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        ssdp.close();
        http.close();
    }
}
