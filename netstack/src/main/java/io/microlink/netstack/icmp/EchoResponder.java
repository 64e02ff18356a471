package io.microlink.netstack.icmp;

import io.microlink.netstack.MalformedPacketException;
import io.microlink.netstack.ip.IpAddresses;
import io.microlink.netstack.ip.IpPacket;
import io.microlink.netstack.ip.IpPacketBuilder;
import java.util.Optional;

/**
 * Answers pings addressed to us: the reply carries the request's identifier, sequence number
 * and data back to its sender. Requests to a multicast or broadcast address go unanswered,
 * since the reply would need a unicast source we do not pick here.
 *
 * <pre>{@code
 * EchoResponder responder = new EchoResponder(ip);
 * responder.reply(inbound).ifPresent(tunnel::send);
 * }</pre>
 */
public final class EchoResponder {
    private final IpPacketBuilder ip;

    /**
     * Makes a responder that builds its replies with {@code ip}.
     *
     * @param ip builds the IP packet around each reply
     */
    public EchoResponder(IpPacketBuilder ip) {
        this.ip = ip;
    }

    /**
     * The reply packet to an ICMP packet addressed to us; empty when it is not an echo request we answer.
     *
     * @param request an ICMP packet addressed to us
     * @return the reply packet, or empty
     * @throws MalformedPacketException if the ICMP message is too short or its checksum fails
     */
    public Optional<byte[]> reply(IpPacket request) throws MalformedPacketException {
        if (!IpAddresses.isSingleHost(request.source()) || !IpAddresses.isSingleHost(request.destination())) {
            return Optional.empty();
        }
        return IcmpEcho.parse(request)
                .filter(echo -> !echo.isReply())
                .map(echo -> IcmpEcho.packet(ip, request.destination(), request.source(), true,
                        echo.identifier(), echo.sequence(), echo.buffer(), echo.dataOffset(), echo.dataLength()));
    }
}
