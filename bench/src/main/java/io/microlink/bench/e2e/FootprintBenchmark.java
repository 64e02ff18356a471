package io.microlink.bench.e2e;

import io.microlink.interop.Await;
import io.microlink.interop.Exec;
import io.microlink.interop.ManagedProcess;
import io.microlink.interop.ReferencePrograms;
import io.microlink.interop.Tailscaled;
import io.microlink.interop.TestTailnet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The footprint of {@code scripts/microlink} beside tailscaled and tailscale, in one run on one
 * test tailnet with two tailscaled peers: (a) for each daemon variant (JVM options and NAME=VALUE
 * environment variables given as {@code daemon:LABEL=OPTIONS}), the idle daemon's RSS, threads and heap after it has pinged a
 * peer and settled, with a tailscaled peer's RSS and threads read at the same moment; (b) the
 * CLI: {@code status} from start to answer, wall and peak RSS, median of interleaved runs,
 * beside {@code tailscale status}; CLI variants are {@code cli:LABEL=OPTIONS} (the launcher
 * with those MICROLINK_JAVA_OPTS and no AOT cache). Run with {@code scripts/bench-footprint}.
 */
public final class FootprintBenchmark {
    private static final Path ROOT = Path.of(System.getProperty("user.dir"));
    private static final Path LAUNCHER = ROOT.resolve("scripts/microlink");
    private static final Duration SETTLE = Duration.ofSeconds(Long.getLong("bench.settle", 30));
    private static final int RUNS = Integer.getInteger("bench.runs", 8);
    private static final Duration LIMIT = Duration.ofSeconds(120);
    private static final String NAME = "java-fp";

    private FootprintBenchmark() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> daemonVariants = new LinkedHashMap<>();
        Map<String, String> cliVariants = new LinkedHashMap<>();
        for (String a : args) {
            String[] kv = a.split("=", 2);
            (a.startsWith("daemon:") ? daemonVariants : cliVariants).put(kv[0].substring(kv[0].indexOf(':') + 1),
                    kv.length > 1 ? kv[1] : "");
        }
        if (daemonVariants.isEmpty()) {
            daemonVariants.put("launcher", "");
        }
        try (TestTailnet tailnet = TestTailnet.create()) {
            Tailscaled peer = tailnet.addNode("peer1");
            tailnet.addNode("peer2");
            Path state = tailnet.dir().resolve(NAME);
            Files.createDirectories(state, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Path keyFile = tailnet.dir().resolve("auth-key");
            Files.writeString(keyFile, tailnet.reusableKey(TestTailnet.DEFAULT_USER).key());
            System.out.println("| daemon | RSS (MiB) | threads | heap | tailscaled RSS (MiB) | tailscaled threads |");
            System.out.println("|---|---|---|---|---|---|");
            ManagedProcess daemon = null;
            boolean up = false;
            for (var v : daemonVariants.entrySet()) {
                if (daemon != null) {
                    stopDaemon(daemon);
                }
                daemon = startDaemon(state, v.getValue(), tailnet.dir().resolve("daemon-" + v.getKey() + ".log"));
                if (!up) {
                    launcher(Map.of(), "up", "--state-dir", state.toString(), "--login-server", tailnet.headscale().url(),
                            "--auth-key-file", keyFile.toString(), "--hostname", NAME).requireSuccess();
                    up = true;
                }
                Await.until(LIMIT, "peer1 to see " + NAME, () -> peer.status().seesOnlineWithHomeDerp(NAME));
                Await.until(LIMIT, "a ping from peer1 to " + NAME, () -> pings(peer));
                Thread.sleep(SETTLE.toMillis());
                long pid = daemon.pid();
                System.out.printf("| %s | %.1f | %d | %s | %.1f | %d |%n", v.getKey(), rssKib(pid) / 1024.0,
                        threads(pid).size(), heap(pid), rssKib(peer.process().pid()) / 1024.0,
                        threads(peer.process().pid()).size());
                System.out.println("  threads: " + summarize(threads(pid)));
                if (v.getValue().contains("NativeMemoryTracking")) {
                    System.out.println(jcmd(pid, "VM.native_memory", "summary").lines()
                            .filter(l -> l.startsWith("-") || l.startsWith("Total"))
                            .map(String::strip).reduce("", (x, y) -> x + "\n  " + y));
                }
            }
            measureCli(peer, state, cliVariants);
            stopDaemon(daemon);
        }
    }

    /** Starts the daemon; {@code options} are JVM options, or NAME=VALUE environment variables (e.g. MALLOC_ARENA_MAX=2). */
    private static ManagedProcess startDaemon(Path state, String options, Path log) {
        Map<String, String> env = new LinkedHashMap<>(Map.of("MICROLINK_DEBUG_USE_DERP_HTTP", "1"));
        List<String> javaOpts = new ArrayList<>();
        for (String o : options.split("\\s+")) {
            if (o.matches("[A-Z_]+=.*")) {
                env.put(o.substring(0, o.indexOf('=')), o.substring(o.indexOf('=') + 1));
            } else {
                javaOpts.add(o);
            }
        }
        env.put("MICROLINK_JAVA_OPTS", String.join(" ", javaOpts));
        ManagedProcess p = ManagedProcess.start("microlink-daemon", List.of(LAUNCHER.toString(), "daemon",
                "--state-dir", state.toString()), env, log);
        Await.until(LIMIT, "the daemon's API to answer", () -> {
            p.requireAlive();
            return launcher(Map.of(), "status", "--state-dir", state.toString()).succeeded();
        });
        return p;
    }

    /** SIGTERM, and time to exit: a first run writes its AOT cache as it exits, which takes seconds. */
    private static void stopDaemon(ManagedProcess daemon) throws Exception {
        ProcessHandle.of(daemon.pid()).ifPresent(h -> {
            h.destroy();
            h.onExit().completeOnTimeout(h, 120, java.util.concurrent.TimeUnit.SECONDS).join();
        });
        daemon.stop();
    }

    private static void measureCli(Tailscaled peer, Path state, Map<String, String> variants) throws Exception {
        Map<String, List<String>> commands = new LinkedHashMap<>();
        Map<String, Map<String, String>> envs = new LinkedHashMap<>();
        commands.put("tailscale status", List.of(ReferencePrograms.tailscale().toString(),
                "--socket=" + peer.process().logFile().resolveSibling("tailscaled.sock"), "status"));
        envs.put("tailscale status", Map.of());
        List<String> microlink = List.of(LAUNCHER.toString(), "status", "--state-dir", state.toString());
        commands.put("scripts/microlink status", microlink);
        envs.put("scripts/microlink status", Map.of());
        // The launcher before 2026-12-07: a JVM to learn the Java version, then the CLI on the JVM's defaults.
        commands.put("previous launcher (version probe + java -jar)", List.of("bash", "-c",
                "\"$0\" -XshowSettings:properties -version >/dev/null 2>&1; exec \"$0\" --enable-native-access=ALL-UNNAMED"
                        + " --sun-misc-unsafe-memory-access=allow -jar \"$1\" status --state-dir \"$2\"",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                ROOT.resolve("daemon/target/microlink.jar").toString(), state.toString()));
        envs.put("previous launcher (version probe + java -jar)", Map.of());
        for (var v : variants.entrySet()) {
            commands.put(v.getKey(), microlink);
            // An unusable cache directory: the launcher runs without an AOT cache and makes none.
            envs.put(v.getKey(), Map.of("MICROLINK_JAVA_OPTS", v.getValue(), "MICROLINK_CACHE_DIR", "/dev/null/none"));
        }
        // The first status of this jar makes the launcher's AOT cache in the background.
        run(microlink, Map.of());
        Await.until(LIMIT, "the CLI's AOT cache", () -> {
            try (Stream<Path> files = Files.list(Path.of(System.getenv("MICROLINK_CACHE_DIR"), "aot"))) {
                return files.anyMatch(f -> f.toString().endsWith(".aot"));
            } catch (IOException notYet) {
                return false;
            }
        });
        Map<String, List<double[]>> results = new LinkedHashMap<>();
        for (int i = 0; i < RUNS; i++) {
            for (var c : commands.entrySet()) {
                results.computeIfAbsent(c.getKey(), k -> new ArrayList<>()).add(run(c.getValue(), envs.get(c.getKey())));
            }
        }
        System.out.println("\n| CLI (" + RUNS + " interleaved runs, median) | wall (ms) | peak RSS (MiB) |");
        System.out.println("|---|---|---|");
        results.forEach((label, xs) -> System.out.printf("| %s | %.0f | %.1f |%n", label,
                median(xs.stream().map(x -> x[0]).toList()), median(xs.stream().map(x -> x[1]).toList()) / 1024));
    }

    /** Runs a command under /usr/bin/time: {wall ms, peak RSS KiB}. */
    private static double[] run(List<String> command, Map<String, String> env) throws Exception {
        Path rss = Files.createTempFile("footprint", ".rss");
        List<String> timed = new ArrayList<>(List.of("/usr/bin/time", "-f", "%M", "-o", rss.toString()));
        timed.addAll(command);
        long t0 = System.nanoTime();
        Exec.run(LIMIT, timed, env, null).requireSuccess();
        double wall = (System.nanoTime() - t0) / 1e6;
        double peak = Double.parseDouble(Files.readString(rss).strip());
        Files.delete(rss);
        return new double[] {wall, peak};
    }

    private static Exec.Result launcher(Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>(List.of(LAUNCHER.toString()));
        command.addAll(List.of(args));
        return Exec.run(LIMIT, command, env, null);
    }

    private static boolean pings(Tailscaled peer) {
        try {
            peer.ping(NAME, "--until-direct=false", "-c", "1", "--timeout", "1s");
            return true;
        } catch (RuntimeException notYet) {
            return false;
        }
    }

    private static long rssKib(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        throw new IllegalStateException("no VmRSS for pid " + pid);
    }

    private static List<String> threads(long pid) throws IOException {
        List<String> names = new ArrayList<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path t : tasks.toList()) {
                try {
                    names.add(Files.readString(t.resolve("comm")).strip());
                } catch (IOException gone) {
                    // the thread ended while we listed
                }
            }
        }
        return names;
    }

    /** Thread names with digits folded ("C1 CompilerThre", "microlink-udp-#" ×2). */
    private static String summarize(List<String> names) {
        Map<String, Integer> counts = new TreeMap<>();
        names.forEach(n -> counts.merge(n.replaceAll("\\d+", "#"), 1, Integer::sum));
        return counts.entrySet().stream().map(e -> e.getValue() == 1 ? e.getKey() : e.getKey() + " ×" + e.getValue())
                .reduce((a, b) -> a + ", " + b).orElse("");
    }

    /** The heap's committed and used size, from {@code jcmd PID GC.heap_info}. */
    private static String heap(long pid) {
        return jcmd(pid, "GC.heap_info").lines().filter(l -> l.contains("total") && l.contains("used"))
                .map(l -> l.strip().replaceAll("\\s*,?\\s*\\[0x.*", "")).reduce((a, b) -> a + "; " + b).orElse("?");
    }

    private static String jcmd(long pid, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(pid)));
        command.addAll(List.of(args));
        return Exec.run(LIMIT, command).stdout();
    }

    private static double median(List<Double> xs) {
        List<Double> sorted = xs.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }
}
