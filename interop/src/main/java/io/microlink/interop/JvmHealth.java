package io.microlink.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * What this JVM holds right now, for tests that must show a node does not leak: heap after a
 * full GC, the node's threads by name (virtual ones too, which {@link Thread#getAllStackTraces()}
 * leaves out), open file descriptors and direct buffer memory.
 *
 * <pre>{@code
 * JvmHealth.Sample before = JvmHealth.sample();
 * // ... load ...
 * assertThat(JvmHealth.sample().threads()).containsAllEntriesOf(before.threads());
 * }</pre>
 */
public final class JvmHealth {
    /** Threads whose name starts with this belong to a node; the harness's own are not counted. */
    public static final String NODE_THREAD_PREFIX = "microlink-";
    private static final ObjectMapper JSON = new ObjectMapper();

    private JvmHealth() {}

    /**
     * One measurement.
     *
     * @param heapAfterGc bytes of heap in use right after a full collection
     * @param threads     the node's live threads: name (digits folded to {@code #}) to count
     * @param openFds     file descriptors this process holds
     * @param directBytes bytes of direct {@link java.nio.ByteBuffer}s
     */
    public record Sample(long heapAfterGc, Map<String, Integer> threads, long openFds, long directBytes) {
        public int threadCount() {
            return threads.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    /** Collects garbage (twice, so finalizable and cleaner-held objects go too) and measures. */
    public static Sample sample() {
        System.gc();
        System.gc();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        long direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(b -> b.getName().equals("direct")).mapToLong(BufferPoolMXBean::getMemoryUsed).sum();
        return new Sample(heap, nodeThreads(), openFds(), direct);
    }

    private static long openFds() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list /proc/self/fd", e);
        }
    }

    /** Every thread of the node, platform and virtual, from the JVM's JSON thread dump. */
    public static Map<String, Integer> nodeThreads() {
        Path dir = null;
        try {
            dir = Files.createTempDirectory(Reaper.ownPrefix() + "threads");
            Path dump = dir.resolve("threads.json");
            ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                    .dumpThreads(dump.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
            Map<String, Integer> names = new TreeMap<>();
            for (JsonNode container : JSON.readTree(dump.toFile()).path("threadDump").path("threadContainers")) {
                for (JsonNode t : container.path("threads")) {
                    String name = t.path("name").asText();
                    if (name.startsWith(NODE_THREAD_PREFIX)) {
                        names.merge(name.replaceAll("[0-9]+", "#"), 1, Integer::sum);
                    }
                }
            }
            return names;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot dump this JVM's threads", e);
        } finally {
            if (dir != null) {
                Reaper.deleteTree(dir);
            }
        }
    }
}
