package io.microlink.interop.soak;

import io.microlink.interop.JvmHealth;

/** One row of the soak's table: the JVM's resources and the traffic so far, at one moment. */
public record SoakSample(long seconds, JvmHealth.Sample health, SoakTraffic.Counts traffic, long dropped) {
    static final String HEADER = String.format("%6s %9s %7s %5s %9s %8s %8s %8s %7s %7s %8s",
            "t(s)", "heap MiB", "threads", "fds", "direct K", "tcp ok", "tcp err", "udp echo", "icmp", "dns",
            "dropped");

    String row() {
        SoakTraffic.Counts t = traffic;
        return String.format("%6d %9.1f %7d %5d %9d %8d %8d %4d/%-4d %7d %7d %8d", seconds,
                health.heapAfterGc() / 1048576.0, health.threadCount(), health.openFds(), health.directBytes() / 1024,
                t.tcpVerified(), t.tcpFailed(), t.udpEchoed(), t.udpSent(), t.icmpAnswered(), t.dnsAnswered(),
                dropped);
    }
}
