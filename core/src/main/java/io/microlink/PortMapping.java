package io.microlink;

import java.net.InetSocketAddress;

/**
 * A UDP port mapping the default gateway granted this node: peers behind any NAT reach it at
 * {@code external}, which goes to control first among the node's endpoints.
 *
 * @param protocol who granted it: "NAT-PMP", "PCP" or "UPnP"
 * @param external the gateway's external address and the port it maps to ours
 */
public record PortMapping(String protocol, InetSocketAddress external) {}
