package io.microlink.interop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A cgroup (v1) of the memory controller with a hard limit, for running a process as a small
 * device would: heap, metaspace, thread stacks, code cache and direct buffers all count, and
 * going over the limit gets the process OOM-killed. Made under /sys/fs/cgroup/memory, which
 * needs root; {@link #create} says why when it cannot be.
 *
 * <pre>{@code
 * try (MemoryCgroup cg = MemoryCgroup.create("ml-test", 64L << 20).orElseThrow()) {
 *     List<String> command = cg.wrap(List.of("java", "-jar", "app.jar"));
 *     ...
 *     assertThat(cg.oomKills()).isZero();
 * }
 * }</pre>
 */
public final class MemoryCgroup implements AutoCloseable {
    private static final Path ROOT = Path.of("/sys/fs/cgroup/memory");

    private final Path dir;

    private MemoryCgroup(Path dir) {
        this.dir = dir;
    }

    /** Whether this machine lets us make one, or why not. */
    public static Optional<String> unavailableBecause() {
        if (!Files.isDirectory(ROOT) || !Files.exists(ROOT.resolve("memory.limit_in_bytes"))) {
            return Optional.of("no cgroup v1 memory controller at " + ROOT);
        }
        if (!Files.isWritable(ROOT)) {
            return Optional.of(ROOT + " is not writable (needs root)");
        }
        return Optional.empty();
    }

    /**
     * A new cgroup named {@code name} plus this JVM's pid, limited to {@code limitBytes} of
     * memory (and of memory plus swap, where the kernel accounts swap), so nothing swaps out.
     */
    public static MemoryCgroup create(String name, long limitBytes) throws IOException {
        unavailableBecause().ifPresent(why -> {
            throw new IllegalStateException(why);
        });
        Path dir = ROOT.resolve(name + "-" + ProcessHandle.current().pid());
        Files.createDirectories(dir);
        MemoryCgroup cg = new MemoryCgroup(dir);
        try {
            Files.writeString(dir.resolve("memory.limit_in_bytes"), Long.toString(limitBytes));
            Path memsw = dir.resolve("memory.memsw.limit_in_bytes");
            if (Files.exists(memsw)) {
                Files.writeString(memsw, Long.toString(limitBytes));
            }
        } catch (IOException | RuntimeException e) {
            cg.close();
            throw e;
        }
        return cg;
    }

    /** {@code command}, run by a shell that first moves itself into this cgroup, then execs it. */
    public List<String> wrap(List<String> command) {
        List<String> wrapped = new ArrayList<>(List.of("sh", "-c",
                "echo $$ > \"$0\" && exec \"$@\"", dir.resolve("cgroup.procs").toString()));
        wrapped.addAll(command);
        return wrapped;
    }

    /** Processes the kernel's OOM killer killed in this cgroup. */
    public long oomKills() throws IOException {
        return Files.readAllLines(dir.resolve("memory.oom_control")).stream()
                .filter(l -> l.startsWith("oom_kill ")).mapToLong(l -> Long.parseLong(l.substring(9).strip()))
                .findFirst().orElse(0);
    }

    /** The most memory the cgroup was charged at once, page cache included. */
    public long maxUsageBytes() throws IOException {
        return Long.parseLong(Files.readString(dir.resolve("memory.max_usage_in_bytes")).strip());
    }

    /** Memory charged now: anonymous (rss) and page cache, from memory.stat. */
    public String usage() throws IOException {
        List<String> keep = List.of("rss ", "cache ", "mapped_file ");
        return String.join(", ", Files.readAllLines(dir.resolve("memory.stat")).stream()
                .filter(l -> keep.stream().anyMatch(l::startsWith))
                .map(l -> l.split(" ")[0] + " " + Long.parseLong(l.split(" ")[1]) / (1 << 20) + " MiB").toList());
    }

    /** Removes the cgroup once its processes are gone (waits a little for them). */
    @Override
    public void close() throws IOException {
        Await.until(Duration.ofSeconds(10), "the processes of " + dir + " to end", () -> {
            try {
                return Files.readString(dir.resolve("cgroup.procs")).isBlank();
            } catch (IOException gone) {
                return true;
            }
        });
        Files.deleteIfExists(dir);
    }
}
