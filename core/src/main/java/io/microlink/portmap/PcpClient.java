package io.microlink.portmap;

import io.microlink.netstack.relay.SocketBinder;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * Mapping with PCP: one MAP request names our address and port and a nonce, the answer brings
 * the external address, port and lifetime. The nonce is random and kept for this client's
 * renewals (RFC 6887 §11.2 renews a mapping with the same one); an answer without it is not ours.
 */
final class PcpClient implements MappingProtocol {
    private static final System.Logger LOG = System.getLogger("io.microlink.portmap");
    /** What a NAT-PMP-only gateway answers to version 2: NAT-PMP's "unsupported version". */
    private static final Pcp.Response UNSUPPORTED =
            new Pcp.Response(Pcp.OP_MAP, 1, 0, 0, new byte[0], 0, 0, 0, null);

    private final byte[] nonce = new byte[Pcp.NONCE_BYTES];
    private final SocketBinder binder;

    /** @param binder readies each socket to the gateway (binds it to the node's active uplink) */
    PcpClient(SocketBinder binder) {
        this.binder = binder;
        new SecureRandom().nextBytes(nonce);
    }

    @Override
    public PortMapProtocol kind() {
        return PortMapProtocol.PCP;
    }

    @Override
    public Grant map(Inet4Address gateway, int localPort) throws IOException {
        try (GatewayUdp udp = new GatewayUdp(gateway, NatPmp.PORT, GatewayUdp.PCP_ATTEMPTS, binder)) {
            byte[] request = Pcp.mapRequest(udp.localAddress(), nonce, localPort, localPort,
                    PortMapper.LIFETIME_SECONDS);
            Pcp.Response r = udp.exchange(request, (b, off, len) -> mapAnswer(b, off, len, nonce, localPort));
            if (r == null || r.result() != 0) {
                LOG.log(Level.DEBUG, "gateway {0}: {1}", gateway.getHostAddress(),
                        r == null ? "no PCP answer" : "PCP " + Pcp.describe(r.result()));
                return null;
            }
            if (r.lifetimeSeconds() == 0) {
                // "Success" for a mapping that ends now is a deletion's answer, not a grant (RFC 6887 §15).
                LOG.log(Level.DEBUG, "gateway {0}: a PCP mapping with lifetime 0", gateway.getHostAddress());
                return null;
            }
            if (!ExternalAddresses.usable(r.externalAddress()) || r.externalPort() == 0) {
                LOG.log(Level.DEBUG, "gateway {0} maps to {1}:{2} over PCP; not an endpoint for peers",
                        gateway.getHostAddress(), r.externalAddress(), r.externalPort());
                return null;
            }
            return new Grant(kind(), gateway, localPort, new InetSocketAddress(r.externalAddress(), r.externalPort()),
                    r.lifetimeSeconds(), r.epochSeconds(), System.nanoTime());
        }
    }

    @Override
    public long epoch(Inet4Address gateway) throws IOException {
        try (GatewayUdp udp = new GatewayUdp(gateway, NatPmp.PORT, GatewayUdp.PCP_ATTEMPTS, binder)) {
            Pcp.Response r = udp.exchange(Pcp.announceRequest(udp.localAddress()), (b, off, len) ->
                    b[off] == Pcp.VERSION && Pcp.decode(b, off, len) instanceof Pcp.Response a
                            && a.opcode() == Pcp.OP_ANNOUNCE ? a : null);
            return r == null || r.result() != 0 ? -1 : r.epochSeconds();
        }
    }

    @Override
    public void delete(Grant grant) throws IOException {
        try (GatewayUdp udp = new GatewayUdp(grant.gateway(), NatPmp.PORT, GatewayUdp.PCP_ATTEMPTS, binder)) {
            udp.send(Pcp.mapRequest(udp.localAddress(), nonce, grant.localPort(), 0, 0));
        }
    }

    /**
     * The answer to our MAP only: PCP, a UDP MAP, our nonce and port (an error answer echoes
     * the request's data, §7.2), or the NAT-PMP gateway's refusal of version 2.
     */
    static Pcp.Response mapAnswer(byte[] b, int off, int len, byte[] nonce, int localPort)
            throws PortMapProtocolException {
        if (len >= 4 && b[off] == 0) {
            return (b[off + 3] & 0xFF) == 1 && (b[off + 2] & 0xFF) == 0 ? UNSUPPORTED : null;
        }
        Pcp.Response r = Pcp.decode(b, off, len);
        return r.udpMap() && Arrays.equals(r.nonce(), nonce) && r.internalPort() == localPort ? r : null;
    }
}
