/**
 * The standalone WireGuard engine: the sans-I/O protocol core ({@code session}, {@code noise},
 * {@code routing}), its runtime on a UDP socket and a Linux TUN device, wg-quick configuration
 * and the {@code microlink-wg} command. Native access (FFM) is for the TUN device and the
 * batched UDP socket: {@code java --enable-native-access=io.microlink.wireguard} on the module
 * path, {@code ALL-UNNAMED} on the class path.
 */
module io.microlink.wireguard {
    requires io.microlink.crypto;
    requires io.microlink.netstack;

    exports io.microlink.wireguard;
    exports io.microlink.wireguard.cli;
    exports io.microlink.wireguard.config;
    exports io.microlink.wireguard.noise;
    exports io.microlink.wireguard.routing;
    exports io.microlink.wireguard.session;
    exports io.microlink.wireguard.tun;
    exports io.microlink.wireguard.udp;

    // libc handles and errno, for the node's netlink watch and device binding and the web page's
    // socket-owner question: one module makes every handle, so one module needs native access.
    exports io.microlink.wireguard.sys to io.microlink.core, io.microlink.web;
}
