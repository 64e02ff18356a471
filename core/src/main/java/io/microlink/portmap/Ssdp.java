package io.microlink.portmap;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;

/**
 * SSDP discovery of an Internet Gateway Device (UPnP Device Architecture §1.3), without I/O:
 * the M-SEARCH query and the {@code LOCATION} of the answer, where the device's description is.
 */
final class Ssdp {
    /** SSDP's multicast group and port. */
    static final String GROUP = "239.255.255.250";
    static final int PORT = 1900;
    /** Longer answers are no SSDP answer we want. */
    static final int MAX_ANSWER = 2048;

    private Ssdp() {}

    /** The query for an Internet Gateway Device, answered within a second ({@code MX: 1}). */
    static byte[] search() {
        return ("M-SEARCH * HTTP/1.1\r\n"
                + "HOST: " + GROUP + ":" + PORT + "\r\n"
                + "ST: urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\n"
                + "MAN: \"ssdp:discover\"\r\n"
                + "MX: 1\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * The description's address in an answer: an {@code http} URL with a host, or null for an
     * answer that is not a 200 with one (the caller checks whose host it is).
     */
    static URI location(byte[] b, int off, int len) {
        if (len > MAX_ANSWER) {
            return null;
        }
        String[] lines = new String(b, off, len, StandardCharsets.ISO_8859_1).split("\r?\n");
        if (lines.length == 0 || !lines[0].startsWith("HTTP/1.") || !lines[0].contains(" 200")) {
            return null;
        }
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("LOCATION")) {
                try {
                    URI u = new URI(line.substring(colon + 1).trim());
                    return "http".equalsIgnoreCase(u.getScheme()) && u.getHost() != null ? u : null;
                } catch (URISyntaxException e) {
                    return null;
                }
            }
        }
        return null;
    }
}
