package io.microlink.portmap;

import io.microlink.netstack.relay.SocketBinder;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Mapping with UPnP IGD: SSDP finds the gateway's description, which names the WANIPConnection
 * service's control URL, then SOAP asks it for the external address (GetExternalIPAddress) and a
 * UDP mapping (AddPortMapping), and drops it on close (DeletePortMapping). Only the gateway
 * itself is believed: the SSDP answer must come from its address, and the description and
 * control URLs must name it, so nobody else on the LAN can point us at their own server.
 */
final class UpnpClient implements MappingProtocol {
    private static final System.Logger LOG = System.getLogger("io.microlink.portmap");
    private static final Duration SSDP_WAIT = Duration.ofSeconds(1);
    private static final int CONFLICT_IN_MAPPING_ENTRY = 718;
    private static final int ONLY_PERMANENT_LEASES = 725;
    private static final int PORT_TRIES = 3;

    private final int ssdpPort;
    private final boolean multicast;
    private final SocketBinder binder;

    /**
     * @param ssdpPort  the gateway's SSDP port (1900; another in tests)
     * @param multicast whether to also send the query to SSDP's multicast group, as some
     *                  gateways answer only that (tests on loopback send only unicast)
     * @param binder    readies each socket to the gateway (binds it to the node's active uplink)
     */
    UpnpClient(int ssdpPort, boolean multicast, SocketBinder binder) {
        this.ssdpPort = ssdpPort;
        this.multicast = multicast;
        this.binder = binder;
    }

    @Override
    public PortMapProtocol kind() {
        return PortMapProtocol.UPNP;
    }

    @Override
    public Grant map(Inet4Address gateway, int localPort) throws IOException {
        Discovered d = discover(gateway);
        if (d == null) {
            LOG.log(Level.DEBUG, "gateway {0}: no UPnP answer", gateway.getHostAddress());
            return null;
        }
        Soap external = call(d.service(), "GetExternalIPAddress");
        String text = external.ok() ? UpnpXml.soapValue(external.body(), "NewExternalIPAddress") : null;
        Inet4Address address = ipv4(text);
        if (!ExternalAddresses.usable(address)) {
            LOG.log(Level.DEBUG, "gateway {0} names {1} as its external address over UPnP; not an endpoint for peers",
                    gateway.getHostAddress(), text);
            return null;
        }
        int port = localPort;
        long lease = PortMapper.LIFETIME_SECONDS;
        for (int tries = 0; tries < PORT_TRIES; tries++) {
            Soap added = call(d.service(), "AddPortMapping", "NewRemoteHost", "", "NewExternalPort", Integer.toString(port),
                    "NewProtocol", "UDP", "NewInternalPort", Integer.toString(localPort),
                    "NewInternalClient", d.self().getHostAddress(), "NewEnabled", "1",
                    "NewPortMappingDescription", "microlink", "NewLeaseDuration", Long.toString(lease));
            if (added.ok()) {
                // A permanent lease is renewed as a two-hour one would be.
                return new Grant(kind(), gateway, localPort, new InetSocketAddress(address, port),
                        lease == 0 ? PortMapper.LIFETIME_SECONDS : lease, -1, System.nanoTime(), d.service());
            }
            int error = added.error();
            LOG.log(Level.DEBUG, "gateway {0}: UPnP AddPortMapping of port {1}: error {2}", gateway.getHostAddress(),
                    port, error);
            if (error == ONLY_PERMANENT_LEASES && lease != 0) {
                lease = 0;
            } else if (error == CONFLICT_IN_MAPPING_ENTRY) {
                port = ThreadLocalRandom.current().nextInt(1024, 65536); // someone else has ours
            } else {
                return null;
            }
        }
        return null;
    }

    @Override
    public long epoch(Inet4Address gateway) {
        return -1; // UPnP has none
    }

    @Override
    public void delete(Grant grant) throws IOException {
        if (grant.upnpService() != null) {
            call(grant.upnpService(), "DeletePortMapping", "NewRemoteHost", "", "NewExternalPort",
                    Integer.toString(grant.external().getPort()), "NewProtocol", "UDP");
        }
    }

    private record Discovered(UpnpXml.Service service, Inet4Address self) {}

    /** The gateway's WANIPConnection service and our address towards it; null when it does not answer SSDP. */
    private Discovered discover(Inet4Address gateway) throws IOException {
        try (DatagramSocket s = new DatagramSocket()) {
            binder.bindUdp(s.getLocalPort(), gateway);
            InetSocketAddress gatewaySsdp = new InetSocketAddress(gateway, ssdpPort);
            Inet4Address self = selfTowards(gatewaySsdp);
            byte[] query = Ssdp.search();
            // Unicast first: it also teaches a host firewall to expect the gateway's unicast answer.
            s.send(new DatagramPacket(query, query.length, gatewaySsdp));
            if (multicast) {
                try {
                    NetworkInterface lan = NetworkInterface.getByInetAddress(self);
                    if (lan != null) {
                        s.setOption(StandardSocketOptions.IP_MULTICAST_IF, lan);
                    }
                    s.setOption(StandardSocketOptions.IP_MULTICAST_TTL, 2);
                    s.send(new DatagramPacket(query, query.length, InetAddress.getByName(Ssdp.GROUP), ssdpPort));
                } catch (IOException e) {
                    // no multicast on this link: the unicast query may still be answered
                    LOG.log(Level.DEBUG, "SSDP multicast not sent: {0}", e.getMessage());
                }
            }
            byte[] buf = new byte[Ssdp.MAX_ANSWER + 1];
            long deadline = System.nanoTime() + SSDP_WAIT.toNanos();
            for (long left; (left = deadline - System.nanoTime()) > 0; ) {
                s.setSoTimeout((int) Math.max(1, Duration.ofNanos(left).toMillis()));
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    s.receive(p);
                } catch (SocketTimeoutException e) {
                    return null;
                }
                URI location = Ssdp.location(p.getData(), p.getOffset(), p.getLength());
                if (!gateway.equals(p.getAddress()) || location == null || !names(location, gateway)) {
                    continue; // only the gateway speaks for the gateway
                }
                GatewayHttp.Response desc = GatewayHttp.get(location, binder);
                if (desc.status() != 200) {
                    throw new PortMapProtocolException("the gateway's UPnP description: HTTP " + desc.status());
                }
                UpnpXml.Service service = UpnpXml.wanIpConnection(desc.body(), location);
                if (!names(service.control(), gateway)) {
                    throw new PortMapProtocolException("the gateway's UPnP control URL names another host");
                }
                return new Discovered(service, self);
            }
            return null;
        }
    }

    private Inet4Address selfTowards(InetSocketAddress gateway) throws IOException {
        try (DatagramSocket probe = new DatagramSocket()) {
            binder.bindUdp(probe.getLocalPort(), gateway.getAddress());
            probe.connect(gateway);
            if (probe.getLocalAddress() instanceof Inet4Address a && !a.isAnyLocalAddress()) {
                return a;
            }
        }
        throw new IOException("no IPv4 address of ours towards the gateway");
    }

    /** Whether {@code url}'s host is the gateway's address itself (a literal; no name is looked up). */
    static boolean names(URI url, Inet4Address gateway) {
        return gateway.getHostAddress().equals(url.getHost());
    }

    /** A SOAP answer: 200 is success; otherwise the UPnP error code in it, or -1. */
    private record Soap(int status, byte[] body) {
        boolean ok() {
            return status == 200;
        }

        int error() {
            try {
                String code = UpnpXml.soapValue(body, "errorCode");
                return code != null && code.matches("\\d{1,6}") ? Integer.parseInt(code) : -1;
            } catch (PortMapProtocolException e) {
                return -1;
            }
        }
    }

    private Soap call(UpnpXml.Service s, String action, String... arguments) throws IOException {
        GatewayHttp.Response r = GatewayHttp.post(s.control(), s.type() + "#" + action,
                UpnpXml.soapRequest(s.type(), action, arguments), binder);
        return new Soap(r.status(), r.body());
    }

    /** A dotted-quad IPv4 literal, or null (never a name to look up). */
    static Inet4Address ipv4(String text) {
        if (text == null || !text.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            return null;
        }
        try {
            return InetAddress.ofLiteral(text) instanceof Inet4Address a ? a : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
