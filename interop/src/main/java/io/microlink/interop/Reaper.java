package io.microlink.interop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Makes sure nothing the harness starts outlives it.
 *
 * <p>Everything a harness run creates is named after the JVM's pid: its directory
 * {@code /tmp/mlt-<pid>-*} and its network namespaces {@code mlt<pid>-*}. Processes and
 * namespaces still registered are removed by a shutdown hook (Ctrl-C, SIGTERM from
 * Maven). A JVM killed with SIGKILL cannot run that hook, so every new run first removes
 * what runs of dead JVMs left behind.
 */
public final class Reaper {
    static final String PREFIX = "mlt";
    private static final Pattern OWNED = Pattern.compile(PREFIX + "(\\d+)-");
    private static final Set<ManagedProcess> LIVE = ConcurrentHashMap.newKeySet();
    private static final Set<String> NAMESPACES = ConcurrentHashMap.newKeySet();
    private static final Set<Path> DIRECTORIES = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(Reaper::releaseAll));
        removeLeftoversOfDeadRuns();
    }

    private Reaper() {}

    /** The name prefix this JVM's directories and namespaces carry: {@code mlt<pid>-}. */
    public static String ownPrefix() {
        return PREFIX + ProcessHandle.current().pid() + "-";
    }

    static void register(ManagedProcess p) {
        LIVE.add(p);
    }

    static void unregister(ManagedProcess p) {
        LIVE.remove(p);
    }

    static void registerNamespace(String name) {
        NAMESPACES.add(name);
    }

    static void unregisterNamespace(String name) {
        NAMESPACES.remove(name);
    }

    /** A harness directory, deleted at JVM exit unless {@link #deleteTree} removed it before. */
    static void registerDirectory(Path dir) {
        DIRECTORIES.add(dir);
    }

    private static void releaseAll() {
        LIVE.forEach(ManagedProcess::stop);
        NAMESPACES.forEach(NetworkNamespaces::deleteQuietly);
        DIRECTORIES.forEach(Reaper::deleteTree);
    }

    /** Processes (of any JVM) whose command line mentions a harness directory. */
    public static List<ProcessHandle> harnessProcesses(String marker) {
        return ProcessHandle.allProcesses()
                .filter(h -> h.info().commandLine().map(c -> c.contains(marker)).orElse(false))
                .toList();
    }

    private static boolean ownerDead(String name) {
        Matcher m = OWNED.matcher(name);
        if (!m.find()) {
            return false;
        }
        long pid = Long.parseLong(m.group(1));
        return ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true);
    }

    /** Removes what harness runs of JVMs that no longer exist left behind. */
    static void removeLeftoversOfDeadRuns() {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        try (Stream<Path> dirs = Files.list(tmp)) {
            for (Path dir : dirs.filter(d -> d.getFileName().toString().startsWith(PREFIX)).toList()) {
                if (ownerDead(dir.getFileName().toString())) {
                    harnessProcesses(dir.toString()).forEach(ManagedProcess::killTree);
                    deleteTree(dir);
                }
            }
        } catch (IOException e) {
            System.err.println("harness: cannot scan " + tmp + " for leftovers: " + e.getMessage());
        }
        NetworkNamespaces.list().stream().filter(Reaper::ownerDead).forEach(NetworkNamespaces::deleteQuietly);
    }

    /** Deletes a directory tree, ignoring what is already gone. */
    public static void deleteTree(Path root) {
        DIRECTORIES.remove(root);
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // Sockets of a dying process can vanish under us; the final check below tells.
                }
            });
        } catch (IOException e) {
            // fall through to the check
        }
        if (Files.exists(root)) {
            System.err.println("harness: could not fully delete " + root);
        }
    }
}
