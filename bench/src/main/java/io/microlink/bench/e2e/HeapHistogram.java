package io.microlink.bench.e2e;

import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.Map;
import javax.management.ObjectName;

/**
 * This JVM's live objects by class (a full GC first, as {@code jcmd PID GC.class_histogram}
 * does), so a benchmark can say which classes a change in live heap is made of.
 *
 * <pre>{@code
 * HeapHistogram before = HeapHistogram.take();
 * ... build the thing ...
 * System.out.print(HeapHistogram.take().growthSince(before, 20));
 * }</pre>
 */
final class HeapHistogram {
    private final Map<String, long[]> byClass; // class name -> {instances, bytes}

    private HeapHistogram(Map<String, long[]> byClass) {
        this.byClass = byClass;
    }

    static HeapHistogram take() throws Exception {
        String text = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                new Object[] {new String[0]}, new String[] {String[].class.getName()});
        Map<String, long[]> byClass = new HashMap<>();
        for (String line : text.lines().toList()) {
            // " 12:  3456  78900  java.lang.String (java.base@25)"
            String[] f = line.trim().split("\\s+");
            if (f.length >= 4 && f[0].endsWith(":")) {
                byClass.put(f[3], new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])});
            }
        }
        return new HeapHistogram(byClass);
    }

    /** The {@code top} classes whose live bytes grew most since {@code before}, as a Markdown table. */
    String growthSince(HeapHistogram before, int top) {
        StringBuilder out = new StringBuilder("| class | instances added | KiB added |\n|---|---|---|\n");
        byClass.entrySet().stream()
                .map(e -> {
                    long[] was = before.byClass.getOrDefault(e.getKey(), new long[2]);
                    return Map.entry(e.getKey(), new long[] {e.getValue()[0] - was[0], e.getValue()[1] - was[1]});
                })
                .sorted((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1]))
                .limit(top)
                .forEach(e -> out.append("| ").append(e.getKey()).append(" | ").append(e.getValue()[0]).append(" | ")
                        .append(e.getValue()[1] / 1024).append(" |\n"));
        return out.toString();
    }
}
