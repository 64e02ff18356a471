/**
 * The tailnet node. Applications use {@code io.microlink} ({@link io.microlink.TailnetNode}
 * and the types its methods take and return), the key types of {@code io.microlink.key},
 * and the socket types of the netstack, which this module passes on. Everything else is
 * internal: the host module, the web page and the daemon get the few internals they share
 * by name below, and nothing else may rely on them.
 */
module io.microlink.core {
    requires transitive io.microlink.netstack;
    // Keys box to each other (PrivateKey.boxTo gives a NaclBox): the crypto module's types are
    // part of the key API.
    requires transitive io.microlink.crypto;
    requires io.microlink.wireguard;
    requires com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.datatype.jsr310;
    requires okhttp3;
    requires java.net.http;
    // UPnP gateways describe themselves in XML (io.microlink.portmap.UpnpXml).
    requires java.xml;
    requires aircompressor;
    // aircompressor's zstd reads with sun.misc.Unsafe, but as an automatic module it cannot say so:
    // on the module path nothing else would resolve jdk.unsupported, and the first compressed map
    // message would fail with NoClassDefFoundError (ConsumerProjectInteropTest, module path).
    requires jdk.unsupported;

    exports io.microlink;
    exports io.microlink.key;

    // The one HTTP/1.1 head reader, for the local proxy and the web server.
    exports io.microlink.http to io.microlink.host, io.microlink.web;
    // Owner-only atomic files and the state directory's lock, for settings, the web page's token, the daemon
    // and the LOPOWER bridge's device registry.
    exports io.microlink.state to io.microlink.host, io.microlink.web, io.microlink.daemon, io.microlink.lopower;

    // The outbound proxy rules, so the daemon can check and name them when it starts.
    exports io.microlink.outbound to io.microlink.daemon;

    // MagicDNS of a running node (NodeDns, MagicDnsServer), which the LOPOWER bridge serves its devices.
    exports io.microlink.dns to io.microlink.lopower;

    opens io.microlink.control.wire to com.fasterxml.jackson.databind;
    opens io.microlink.state to com.fasterxml.jackson.databind;
}
