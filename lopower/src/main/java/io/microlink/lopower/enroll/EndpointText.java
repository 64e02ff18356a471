package io.microlink.lopower.enroll;

import io.microlink.lopower.LopowerException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The bridge's endpoint as a device's configuration names it: {@code host:port}, with an
 * IPv6 literal in brackets. Given by the user, or found from this host's interfaces.
 */
public final class EndpointText {
    /** A DNS name or IPv4 literal: letters, digits, dots, hyphens. */
    private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]{0,252})");

    private EndpointText() {}

    /** Checks {@code text} is host:port and returns it as written. */
    public static String parse(String text) throws LopowerException {
        String t = text == null ? "" : text.strip();
        int colon = t.lastIndexOf(':');
        if (colon <= 0 || colon == t.length() - 1) {
            throw notHostPort(t);
        }
        String host = t.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            try {
                if (!(InetAddress.ofLiteral(host.substring(1, host.length() - 1)) instanceof Inet6Address)) {
                    throw notHostPort(t);
                }
            } catch (IllegalArgumentException e) {
                throw notHostPort(t);
            }
        } else if (!HOST_NAME.matcher(host).matches()) {
            throw notHostPort(t);
        }
        int port;
        try {
            port = Integer.parseInt(t.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw notHostPort(t);
        }
        if (port < 1 || port > 65535) {
            throw notHostPort(t);
        }
        return t;
    }

    /**
     * {@code address:port} for the first address of an interface that is up, not loopback and
     * not link-local: IPv4 first (a small device's network is more likely to have it), then
     * global IPv6.
     */
    public static String fromInterfaces(int port) throws LopowerException {
        List<InetAddress> v4 = new ArrayList<>();
        List<InetAddress> v6 = new ArrayList<>();
        try {
            for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nif.isUp() || nif.isLoopback() || nif.isPointToPoint()) {
                    continue;
                }
                for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                    if (a.isLoopbackAddress() || a.isLinkLocalAddress() || a.isAnyLocalAddress()) {
                        continue;
                    }
                    (a instanceof Inet6Address ? v6 : v4).add(a);
                }
            }
        } catch (SocketException e) {
            throw new LopowerException("cannot list this host's interfaces (" + e.getMessage()
                    + "); give the endpoint with --endpoint host:port");
        }
        if (!v4.isEmpty()) {
            return v4.getFirst().getHostAddress() + ":" + port;
        }
        if (!v6.isEmpty()) {
            return "[" + v6.getFirst().getHostAddress().replaceAll("%.*$", "") + "]:" + port;
        }
        throw new LopowerException("this host has no address a device could reach; give the endpoint with"
                + " --endpoint host:port");
    }

    private static LopowerException notHostPort(String t) {
        return new LopowerException("the endpoint '" + t + "' is not host:port (an IPv6 address goes in brackets,"
                + " e.g. [2001:db8::1]:51820)");
    }
}
