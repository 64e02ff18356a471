package io.microlink.filter;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The UDP and SCTP flows this node started, so that replies get in without a rule: tailscale's
 * stateless filter keeps the same bounded LRU of 512 flows ({@code filter.lruMax}). Thread-safe,
 * since outbound packets record while inbound ones look up on another thread.
 *
 * <pre>{@code
 * flows.recordOutbound(IpProtocol.UDP, ours, 5353, peer, 53);
 * flows.isReply(IpProtocol.UDP, peer, 53, ours, 5353);   // true
 * }</pre>
 */
final class FlowTable {
    static final int CAPACITY = 512;

    /** Addresses as 128-bit numbers; {@code protocolAndPorts} also carries the family so IPv4 never meets IPv6. */
    private record Flow(long srcHigh, long srcLow, long dstHigh, long dstLow, long protocolAndPorts) {
        static Flow of(int protocol, byte[] src, int srcPort, byte[] dst, int dstPort) {
            long key = ((long) src.length << 40) | ((long) protocol << 32) | ((long) srcPort << 16) | dstPort;
            return new Flow(AddressRange.high(src), AddressRange.low(src), AddressRange.high(dst), AddressRange.low(dst), key);
        }
    }

    // An access-ordered map is an LRU; one lock is fine at these sizes and rates.
    private final Map<Flow, Boolean> flows = new LinkedHashMap<>(CAPACITY * 4 / 3 + 1, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Flow, Boolean> eldest) {
            return size() > CAPACITY;
        }
    };

    /** Remembers an outbound packet's flow, keyed as its replies will arrive. */
    void recordOutbound(int protocol, byte[] src, int srcPort, byte[] dst, int dstPort) {
        Flow reply = Flow.of(protocol, dst, dstPort, src, srcPort);
        synchronized (flows) {
            flows.put(reply, Boolean.TRUE);
        }
    }

    /** Whether an inbound packet answers a recorded flow; a hit counts as use, as in tailscale's cache. */
    boolean isReply(int protocol, byte[] src, int srcPort, byte[] dst, int dstPort) {
        Flow flow = Flow.of(protocol, src, srcPort, dst, dstPort);
        synchronized (flows) {
            return flows.get(flow) != null;
        }
    }
}
