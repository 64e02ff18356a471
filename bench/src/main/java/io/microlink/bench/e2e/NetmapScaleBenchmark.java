package io.microlink.bench.e2e;

import io.microlink.NodeListener;
import io.microlink.TailnetMap;
import io.microlink.TailnetNode;
import io.microlink.interop.Await;
import io.microlink.interop.Headscale;
import io.microlink.interop.IdleNodes;
import io.microlink.interop.Tailscaled;
import io.microlink.interop.TestTailnet;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * End-to-end netmap scale: registers N nodes in a real headscale with our own client, then
 * measures, in the same run, (a) the Java node: start to a netmap listing all N peers, and
 * the live heap that costs; (b) a real tailscaled: {@code tailscale up} to a status listing
 * all N peers, and its RSS. Run with {@code scripts/bench-netmap [N...]}.
 */
public final class NetmapScaleBenchmark {
    /** {@code -Dbench.histogram=N}: also print the N classes whose live heap grew most with the node. */
    private static final int HISTOGRAM_ROWS = Integer.getInteger("bench.histogram", 0);
    /**
     * {@code -Dbench.generated=true}: register one node and copy it in headscale's database
     * ({@link IdleNodes#cloneInDatabase}) instead of registering all N, for sizes registering would take hours.
     */
    private static final boolean GENERATED = Boolean.getBoolean("bench.generated");

    private NetmapScaleBenchmark() {}

    public static void main(String[] args) throws Exception {
        List<Integer> sizes = args.length == 0 ? List.of(1000) : List.of(args).stream().map(Integer::parseInt).toList();
        System.out.println("| peers | register N (s) | Java: start to full netmap (s) | Java: live heap (MiB) "
                + "| tailscaled: up to full status (s) | tailscaled: RSS (MiB) |");
        System.out.println("|---|---|---|---|---|---|");
        for (int n : sizes) {
            try (TestTailnet tailnet = TestTailnet.create()) {
                System.out.println(run(tailnet, n));
            }
        }
    }

    private static String run(TestTailnet tailnet, int n) throws Exception {
        Headscale hs = tailnet.headscale();
        String key = tailnet.reusableKey(TestTailnet.DEFAULT_USER).key();
        long t0 = System.nanoTime();
        if (GENERATED) {
            IdleNodes.register(hs, key, "fake", 1);
            IdleNodes.cloneInDatabase(hs, n - 1);
        } else {
            IdleNodes.register(hs, key, "fake", n);
        }
        double registerSeconds = seconds(t0);

        // The Java node: one more registration, then the map with n peers.
        long heapBefore = liveHeap();
        HeapHistogram histogramBefore = HISTOGRAM_ROWS > 0 ? HeapHistogram.take() : null;
        CountDownLatch complete = new CountDownLatch(1);
        TailnetNode node = TailnetNode.builder().controlUrl(hs.url()).authKey(key).hostname("java-scale")
                .stateDirectory(tailnet.dir().resolve("java-scale")).plainHttpDerpForTesting().build();
        node.addListener(new NodeListener() {
            @Override
            public void tailnetChanged(TailnetMap tailnet) {
                if (tailnet.peers().size() >= n) {
                    complete.countDown();
                }
            }
        });
        long t1 = System.nanoTime();
        node.start();
        if (!complete.await(10, TimeUnit.MINUTES)) {
            throw new IllegalStateException("Java node never saw " + n + " peers; state " + node.state() + ": "
                    + node.stateDetail());
        }
        double javaSeconds = seconds(t1);
        long heapWith = liveHeap();
        double javaHeapMib = (heapWith - heapBefore) / 1048576.0;
        if (histogramBefore != null) {
            System.out.print(HeapHistogram.take().growthSince(histogramBefore, HISTOGRAM_ROWS));
        }
        // Keep the node (and its netmap) reachable until after the measurement.
        int peersSeen = node.tailnet().peers().size();
        node.close();

        // A real tailscaled on the same tailnet, same measure.
        Tailscaled ts = Tailscaled.start("ts-scale", tailnet.dir().resolve("ts-scale"), Tailscaled.Options.DEFAULT);
        long t2 = System.nanoTime();
        ts.up(hs.url(), tailnet.reusableKey(TestTailnet.DEFAULT_USER));
        Await.until(Duration.ofMinutes(10), "tailscaled to list " + n + " peers",
                () -> ts.status().peerList().size() >= n);
        double tsSeconds = seconds(t2);
        double rssMib = rssKib(ts.process().pid()) / 1024.0;
        return "| %d | %.1f | %.2f | %.2f (%d peers) | %.2f | %.1f |".formatted(n, registerSeconds, javaSeconds,
                javaHeapMib, peersSeen, tsSeconds, rssMib);
    }

    private static long liveHeap() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static long rssKib(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        throw new IllegalStateException("no VmRSS for pid " + pid);
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
