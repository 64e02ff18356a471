/** The primitives shared by the WireGuard engine and the node, sans I/O. */
module io.microlink.crypto {
    requires org.bouncycastle.provider;

    exports io.microlink.crypto;
}
