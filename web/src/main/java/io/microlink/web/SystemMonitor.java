package io.microlink.web;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.lang.management.OperatingSystemMXBean;
import java.lang.management.ThreadMXBean;
import java.util.List;

/** What the JVM carrying the node spends: CPU, memory, threads and garbage collection, read from its MXBeans. */
final class SystemMonitor {
    /**
     * @param processCpu this JVM's share of all CPUs over the recent past, 0-1, or null if unknown
     * @param systemCpu  the whole machine's, 0-1, or null if unknown
     */
    record Cpu(int cores, Double processCpu, Double systemCpu, double loadAverage) {}

    /** @param maxBytes -1 when there is no limit */
    record Memory(long usedBytes, long committedBytes, long maxBytes) {}

    record DirectMemory(long usedBytes, long capacityBytes, long buffers) {}

    record Threads(int live, int daemon, int peak) {}

    record Gc(String name, long collections, long millis) {}

    record Jvm(long uptimeSeconds, Cpu cpu, Memory heap, DirectMemory direct, Threads threads, List<Gc> gc) {}

    private SystemMonitor() {}

    static Jvm read() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        Double process = null;
        Double system = null;
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            process = fraction(sun.getProcessCpuLoad());
            system = fraction(sun.getCpuLoad());
        }
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        BufferPoolMXBean direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(b -> b.getName().equals("direct")).findFirst().orElse(null);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        List<Gc> gc = ManagementFactory.getGarbageCollectorMXBeans().stream()
                .map((GarbageCollectorMXBean g) -> new Gc(g.getName(), Math.max(0, g.getCollectionCount()),
                        Math.max(0, g.getCollectionTime())))
                .toList();
        return new Jvm(ManagementFactory.getRuntimeMXBean().getUptime() / 1000,
                new Cpu(os.getAvailableProcessors(), process, system, os.getSystemLoadAverage()),
                new Memory(heap.getUsed(), heap.getCommitted(), heap.getMax()),
                direct == null ? new DirectMemory(0, 0, 0)
                        : new DirectMemory(direct.getMemoryUsed(), direct.getTotalCapacity(), direct.getCount()),
                new Threads(threads.getThreadCount(), threads.getDaemonThreadCount(), threads.getPeakThreadCount()),
                gc);
    }

    /** The beans say -1 (or NaN) before they have a measurement. */
    private static Double fraction(double value) {
        return value < 0 || Double.isNaN(value) ? null : value;
    }
}
