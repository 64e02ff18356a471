package io.microlink.portmap;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * The UPnP XML a gateway sends, which is untrusted input: the device description (where the
 * WANIPConnection service's control URL is) and SOAP answers. No DTD at all, so no external
 * or expanding entities; the HTTP layer already capped the size. Element names are matched by
 * local name, whatever their namespace prefix.
 */
final class UpnpXml {
    /** The services that map ports, newest first. */
    static final String[] SERVICES = {
        "urn:schemas-upnp-org:service:WANIPConnection:2", "urn:schemas-upnp-org:service:WANIPConnection:1"};

    /** A WANIPConnection service: its exact type (SOAP actions name it) and absolute control URL. */
    record Service(String type, URI control) {}

    /**
     * How deep elements may nest: a real description is about ten deep. Set here rather than
     * left to the JDK's default, which differs between releases and may be unlimited.
     */
    static final int MAX_DEPTH = 64;
    private static final DocumentBuilderFactory FACTORY = factory();
    private static final ErrorHandler QUIET = new ErrorHandler() {
        @Override
        public void warning(SAXParseException e) {
            // not fatal
        }

        @Override
        public void error(SAXParseException e) throws SAXException {
            throw e;
        }

        @Override
        public void fatalError(SAXParseException e) throws SAXException {
            throw e;
        }
    };

    private UpnpXml() {}

    private static DocumentBuilderFactory factory() {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        try {
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature("http://xml.org/sax/features/external-general-entities", false);
            f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the JDK's XML parser lacks a hardening feature", e);
        }
        f.setAttribute("jdk.xml.maxElementDepth", Integer.toString(MAX_DEPTH));
        f.setXIncludeAware(false);
        f.setExpandEntityReferences(false);
        f.setNamespaceAware(true);
        return f;
    }

    static Document parse(byte[] xml) throws PortMapProtocolException {
        try {
            DocumentBuilder b = FACTORY.newDocumentBuilder();
            b.setErrorHandler(QUIET);
            b.setEntityResolver((publicId, systemId) -> {
                throw new SAXException("no external entities");
            });
            return b.parse(new ByteArrayInputStream(xml));
        } catch (SAXException | IOException e) {
            throw new PortMapProtocolException("the gateway's XML does not parse: " + e.getMessage());
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The first WANIPConnection service (version 2 before 1) of a device description fetched
     * from {@code location}, its control URL resolved against {@code URLBase} or the location.
     *
     * @throws PortMapProtocolException for XML that does not parse, has no such service, or a control URL that is no http URL
     */
    static Service wanIpConnection(byte[] description, URI location) throws PortMapProtocolException {
        Document d = parse(description);
        String base = text(d.getDocumentElement(), "URLBase");
        for (String wanted : SERVICES) {
            NodeList services = d.getElementsByTagNameNS("*", "service");
            for (int i = 0; i < services.getLength(); i++) {
                Element s = (Element) services.item(i);
                if (wanted.equals(text(s, "serviceType"))) {
                    String control = text(s, "controlURL");
                    if (control == null) {
                        continue;
                    }
                    try {
                        URI from = base == null ? location : new URI(base);
                        URI url = from.resolve(new URI(control));
                        if (!"http".equalsIgnoreCase(url.getScheme()) || url.getHost() == null) {
                            throw new PortMapProtocolException("a control URL that is not http: " + control);
                        }
                        return new Service(wanted, url);
                    } catch (URISyntaxException | IllegalArgumentException e) {
                        throw new PortMapProtocolException("a control URL that does not parse");
                    }
                }
            }
        }
        throw new PortMapProtocolException("no WANIPConnection service in the gateway's description");
    }

    /** A SOAP request for {@code action} of {@code serviceType} with its arguments in order (name, value, ...). */
    static String soapRequest(String serviceType, String action, String... arguments) {
        StringBuilder sb = new StringBuilder("<?xml version=\"1.0\"?>\r\n<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\""
                + " s:encodingStyle=\"http://schemas.xmlsoap.org/soap/encoding/\"><s:Body><u:")
                .append(action).append(" xmlns:u=\"").append(escape(serviceType)).append("\">");
        for (int i = 0; i + 1 < arguments.length; i += 2) {
            sb.append('<').append(arguments[i]).append('>').append(escape(arguments[i + 1]))
                    .append("</").append(arguments[i]).append('>');
        }
        return sb.append("</u:").append(action).append("></s:Body></s:Envelope>\r\n").toString();
    }

    /**
     * The text of the first element named {@code name} in a SOAP answer, or null.
     *
     * @throws PortMapProtocolException for XML that does not parse
     */
    static String soapValue(byte[] answer, String name) throws PortMapProtocolException {
        return text(parse(answer).getDocumentElement(), name);
    }

    private static String text(Element in, String name) {
        if (in == null) {
            return null;
        }
        NodeList l = in.getElementsByTagNameNS("*", name);
        for (int i = 0; i < l.getLength(); i++) {
            Node n = l.item(i);
            String t = n.getTextContent();
            if (t != null) {
                return t.trim();
            }
        }
        return null;
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
