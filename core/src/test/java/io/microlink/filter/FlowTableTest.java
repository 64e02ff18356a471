package io.microlink.filter;

import static io.microlink.filter.Packets.address;
import static org.assertj.core.api.Assertions.assertThat;

import io.microlink.netstack.ip.IpProtocol;
import org.junit.jupiter.api.Test;

class FlowTableTest {
    private static final byte[] US = address("100.64.0.1");
    private static final byte[] PEER = address("100.64.0.2");

    private final FlowTable flows = new FlowTable();

    @Test
    void admitsTheReplyOnlyToTheRecordedFlow() {
        flows.recordOutbound(IpProtocol.UDP, US, 40000, PEER, 53);

        assertThat(flows.isReply(IpProtocol.UDP, PEER, 53, US, 40000)).isTrue();
        assertThat(flows.isReply(IpProtocol.UDP, PEER, 53, US, 40001)).isFalse();
        assertThat(flows.isReply(IpProtocol.UDP, PEER, 54, US, 40000)).isFalse();
        assertThat(flows.isReply(IpProtocol.SCTP, PEER, 53, US, 40000)).isFalse();
        assertThat(flows.isReply(IpProtocol.UDP, US, 40000, PEER, 53)).as("the outbound direction itself").isFalse();
    }

    @Test
    void keepsIpv4AndIpv6Apart() {
        byte[] us6 = address("::100.64.0.1");
        byte[] peer6 = address("::100.64.0.2");
        flows.recordOutbound(IpProtocol.UDP, us6, 40000, peer6, 53);

        assertThat(flows.isReply(IpProtocol.UDP, PEER, 53, US, 40000)).isFalse();
        assertThat(flows.isReply(IpProtocol.UDP, peer6, 53, us6, 40000)).isTrue();
    }

    @Test
    void forgetsTheLeastRecentlyUsedFlowBeyond512() {
        for (int port = 0; port < FlowTable.CAPACITY; port++) {
            flows.recordOutbound(IpProtocol.UDP, US, 10000 + port, PEER, 53);
        }
        assertThat(flows.isReply(IpProtocol.UDP, PEER, 53, US, 10000)).as("used, so now the most recent").isTrue();

        flows.recordOutbound(IpProtocol.UDP, US, 20000, PEER, 53);

        assertThat(flows.isReply(IpProtocol.UDP, PEER, 53, US, 10000)).isTrue();
        assertThat(flows.isReply(IpProtocol.UDP, PEER, 53, US, 10001)).as("the eldest, evicted").isFalse();
        assertThat(flows.isReply(IpProtocol.UDP, PEER, 53, US, 10002)).isTrue();
        assertThat(flows.isReply(IpProtocol.UDP, PEER, 53, US, 20000)).isTrue();
    }
}
