package io.microlink;

import static org.assertj.core.api.Assertions.assertThat;

import io.microlink.control.wire.Hostinfo;
import io.microlink.magicsock.Magicsock;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class NetworkReportsTest {
    private static final Hostinfo.NetInfo HOME_999 = new Hostinfo.NetInfo(999, null, true, false);
    private static final List<Magicsock.OwnEndpoint> LAN = List.of(
            new Magicsock.OwnEndpoint(new InetSocketAddress("192.168.1.13", 40240), 1));
    private static final List<Magicsock.OwnEndpoint> WAN = List.of(
            new Magicsock.OwnEndpoint(new InetSocketAddress("203.0.113.2", 40240), 2));

    private final NetworkReports reports = new NetworkReports();

    @Test
    void aReportThatCameBeforeTheStreamRequestTravelsWithIt() {
        assertThat(reports.learned(HOME_999, LAN)).isFalse();
        assertThat(reports.streamRequested()).isEqualTo(new NetworkReports.Report(HOME_999, LAN));
        assertThat(reports.streamAnswered()).isFalse();
    }

    /** The race CI found: the first netcheck ends while the first map message is being applied. */
    @Test
    void aReportBetweenTheStreamRequestAndItsAnswerIsSentAtTheAnswer() {
        assertThat(reports.streamRequested()).isEqualTo(NetworkReports.Report.NONE);
        assertThat(reports.learned(HOME_999, LAN)).isFalse();
        assertThat(reports.streamAnswered()).isTrue();
        assertThat(reports.latest()).isEqualTo(new NetworkReports.Report(HOME_999, LAN));
    }

    @Test
    void onceAnsweredEachNewReportIsDueAndARepeatIsNot() {
        reports.streamRequested();
        reports.streamAnswered();
        assertThat(reports.learned(HOME_999, LAN)).isTrue();
        assertThat(reports.learned(HOME_999, LAN)).isFalse();
        assertThat(reports.learned(HOME_999, WAN)).isTrue();
    }

    @Test
    void afterAFailedUpdateTheSameReportIsDueAgain() {
        reports.streamRequested();
        reports.streamAnswered();
        assertThat(reports.learned(HOME_999, LAN)).isTrue();
        reports.updateFailed();
        assertThat(reports.learned(HOME_999, LAN)).isTrue();
    }

    @Test
    void betweenStreamsReportsWaitForTheNextStreamsRequest() {
        reports.streamRequested();
        reports.streamAnswered();
        reports.streamClosed();
        assertThat(reports.learned(HOME_999, WAN)).isFalse();
        assertThat(reports.streamRequested()).isEqualTo(new NetworkReports.Report(HOME_999, WAN));
        assertThat(reports.streamAnswered()).isFalse();
    }
}
