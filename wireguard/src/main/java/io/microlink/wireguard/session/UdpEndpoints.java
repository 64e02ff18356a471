package io.microlink.wireguard.session;

import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@link UdpEndpoint} of each recent source address, for a UDP receive loop: datagrams
 * from a source seen before get the same endpoint object, so receiving allocates none per
 * datagram and a peer's roaming check is an identity comparison. Bounded: beyond
 * {@link #MAX_SOURCES} the oldest source is forgotten, so a flood from spoofed addresses costs
 * a known peer at most one new endpoint when it is next heard from. Not thread-safe: one per
 * receiving thread.
 */
public final class UdpEndpoints {
    /** Far more sources than a device has peers, each with a previous address or two. */
    static final int MAX_SOURCES = 1024;

    private final Map<InetSocketAddress, UdpEndpoint> bySource = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<InetSocketAddress, UdpEndpoint> eldest) {
            return size() > MAX_SOURCES;
        }
    };

    /** No sources seen yet. */
    public UdpEndpoints() {}

    /**
     * The endpoint for a datagram's source address.
     *
     * @param source the datagram's source
     * @return its endpoint
     */
    public UdpEndpoint of(InetSocketAddress source) {
        UdpEndpoint e = bySource.get(source);
        if (e == null) {
            e = new UdpEndpoint(source);
            bySource.put(source, e);
        }
        return e;
    }
}
