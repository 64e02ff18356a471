package io.microlink.magicsock;

import static org.assertj.core.api.Assertions.assertThat;

import io.microlink.control.wire.Hostinfo;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Reports to control never hold up the caller, and only the latest waits while control is slow. */
@Timeout(20)
class LatestReporterTest {
    private static List<Magicsock.OwnEndpoint> endpoint(int port) {
        return List.of(new Magicsock.OwnEndpoint(new InetSocketAddress("203.0.113.4", port), Magicsock.ENDPOINT_STUN));
    }

    @Test
    void aControlConnectionThatHangsDoesNotHoldUpTheCallerAndOnlyTheLatestReportFollows() throws Exception {
        CountDownLatch stuck = new CountDownLatch(1);
        LinkedBlockingQueue<List<Magicsock.OwnEndpoint>> told = new LinkedBlockingQueue<>();
        LatestReporter reporter = new LatestReporter((info, eps) -> {
            told.add(eps);
            if (eps.equals(endpoint(1))) {
                try {
                    stuck.await(); // a lite update on a connection the network change killed
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        Hostinfo.NetInfo info = new Hostinfo.NetInfo(999, null, true, false);

        reporter.report(info, endpoint(1));
        assertThat(told.poll(5, TimeUnit.SECONDS)).isEqualTo(endpoint(1));
        long start = System.nanoTime();
        reporter.report(info, endpoint(2));
        reporter.report(info, endpoint(3));
        assertThat(System.nanoTime() - start).as("the caller went on at once").isLessThan(1_000_000_000L);

        stuck.countDown();
        assertThat(told.poll(5, TimeUnit.SECONDS)).isEqualTo(endpoint(3));
        assertThat(told.poll(300, TimeUnit.MILLISECONDS)).as("the replaced report is not sent").isNull();
        reporter.report(info, endpoint(4));
        assertThat(told.poll(5, TimeUnit.SECONDS)).isEqualTo(endpoint(4));
    }
}
