/**
 * The userspace TCP/IP stack: IPv4/IPv6 with reassembly, TCP, UDP and ICMP, sans I/O except
 * for {@code socket}, which runs it and gives applications sockets on it. The tailnet node
 * feeds it inner packets through {@link io.microlink.netstack.PacketSink}.
 */
module io.microlink.netstack {
    exports io.microlink.netstack;
    exports io.microlink.netstack.icmp;
    exports io.microlink.netstack.ip;
    exports io.microlink.netstack.relay;
    exports io.microlink.netstack.socket;
    exports io.microlink.netstack.tcp;
    exports io.microlink.netstack.udp;
}
