package io.microlink.interop.packaging;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The {@code [Service]} settings that say how systemd starts an installed unit, merged from the
 * unit file and its drop-ins ({@code NAME.service.d/*.conf}, in name order) as systemd merges
 * them: a later line wins, and an empty {@code ExecStart=} clears the earlier ones. For machines
 * without systemd as PID 1, where a test must start the service's command itself. Reads only what
 * MicroLink's unit uses: no quoting, no line continuations, no specifiers.
 *
 * @param execStart the command, split on spaces
 * @param user      {@code User=}, or null
 * @param group     {@code Group=}, or null
 * @param umask     {@code UMask=}, or null
 * @param environment {@code Environment=} assignments, then those of each {@code EnvironmentFile=} that exists
 */
record ServiceUnit(List<String> execStart, String user, String group, String umask, Map<String, String> environment) {
    static ServiceUnit read(Path unit) throws IOException {
        List<Path> files = new ArrayList<>(List.of(unit));
        Path dropIns = unit.resolveSibling(unit.getFileName() + ".d");
        if (Files.isDirectory(dropIns)) {
            try (Stream<Path> s = Files.list(dropIns)) {
                s.filter(p -> p.getFileName().toString().endsWith(".conf")).sorted().forEach(files::add);
            }
        }
        Map<String, String> single = new LinkedHashMap<>();
        List<String> execStart = List.of();
        Map<String, String> environment = new LinkedHashMap<>();
        List<String> environmentFiles = new ArrayList<>();
        for (Path file : files) {
            String section = "";
            for (String raw : Files.readAllLines(file)) {
                String line = raw.strip();
                if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                    continue;
                }
                if (line.startsWith("[")) {
                    section = line;
                    continue;
                }
                int eq = line.indexOf('=');
                if (!section.equals("[Service]") || eq < 0) {
                    continue;
                }
                String key = line.substring(0, eq).strip();
                String value = line.substring(eq + 1).strip();
                switch (key) {
                    case "ExecStart" -> execStart = value.isEmpty() ? List.of() : List.of(value.split("\\s+"));
                    case "Environment" -> Arrays.stream(value.split("\\s+")).filter(a -> a.contains("="))
                            .forEach(a -> environment.put(a.substring(0, a.indexOf('=')), a.substring(a.indexOf('=') + 1)));
                    case "EnvironmentFile" -> environmentFiles.add(value);
                    default -> single.put(key, value);
                }
            }
        }
        for (String entry : environmentFiles) {
            boolean optional = entry.startsWith("-");
            Path file = Path.of(optional ? entry.substring(1) : entry);
            if (optional && !Files.exists(file)) {
                continue;
            }
            environment.putAll(assignments(Files.readAllLines(file)));
        }
        return new ServiceUnit(execStart, single.get("User"), single.get("Group"), single.get("UMask"), environment);
    }

    /** {@code KEY=value} and {@code KEY="value"} lines of an environment file; comments skipped. */
    static Map<String, String> assignments(List<String> lines) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String raw : lines) {
            String line = raw.strip();
            int eq = line.indexOf('=');
            if (line.startsWith("#") || eq <= 0) {
                continue;
            }
            String value = line.substring(eq + 1).strip();
            if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"")
                    || value.startsWith("'") && value.endsWith("'"))) {
                value = value.substring(1, value.length() - 1);
            }
            out.put(line.substring(0, eq).strip(), value);
        }
        return out;
    }
}
