package io.microlink.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The library's edge from the other side: host, web, daemon and examples are built on the
 * class path, where the module system does not stop them, so this reads their sources and
 * fails on any reference to a package of the library modules (crypto, wireguard, netstack,
 * core, lopower) that its module-info.java does not export to everyone or, by a qualified export, to
 * that consumer. The module-info files stay the one statement of what is public.
 */
class ModuleBoundaryTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final List<String> LIBRARIES = List.of("crypto", "wireguard", "netstack", "core", "lopower");
    private static final List<String> CONSUMERS = List.of("host", "web", "daemon", "examples");
    /** A package-qualified name: lower-case segments, then a type. */
    private static final Pattern REFERENCE = Pattern.compile("\\b(io\\.microlink(?:\\.[a-z][a-z0-9_]*)*)\\.[A-Z]");
    private static final Pattern EXPORT = Pattern.compile("exports\\s+([\\w.]+)(?:\\s+to\\s+([\\w.,\\s]+))?;");
    private static final Pattern MODULE = Pattern.compile("module\\s+([\\w.]+)");

    /** Who may use a library package: {@code to} null for everyone, else the modules it is exported to. */
    private record Export(Set<String> to) {}

    @Test
    void consumersUseOnlyWhatTheLibraryModulesExportToThem() throws IOException {
        Map<String, String> ownerOf = new HashMap<>(); // library package -> its module directory
        Map<String, Export> exports = new HashMap<>();
        for (String lib : LIBRARIES) {
            Path src = ROOT.resolve(lib).resolve("src/main/java");
            packagesUnder(src).forEach(p -> ownerOf.put(p, lib));
            exports.putAll(exportsOf(src.resolve("module-info.java")));
        }
        assertThat(ownerOf).as("library packages found under " + ROOT).isNotEmpty();

        List<String> violations = new ArrayList<>();
        for (String consumer : CONSUMERS) {
            String consumerModule = "io.microlink." + consumer;
            try (Stream<Path> files = Files.walk(ROOT.resolve(consumer).resolve("src/main/java"))) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    Matcher m = REFERENCE.matcher(Files.readString(file));
                    while (m.find()) {
                        String pkg = m.group(1);
                        if (!ownerOf.containsKey(pkg)) {
                            continue; // the consumer's own package, or another consumer's
                        }
                        Export e = exports.get(pkg);
                        if (e == null || (e.to() != null && !e.to().contains(consumerModule))) {
                            violations.add(ROOT.relativize(file) + " uses " + pkg + " (not exported to "
                                    + consumerModule + ")");
                        }
                    }
                }
            }
        }
        assertThat(violations).as("references past the library's exports").isEmpty();
    }

    private static Set<String> packagesUnder(Path src) throws IOException {
        Set<String> out = new HashSet<>();
        try (Stream<Path> files = Files.walk(src)) {
            files.filter(f -> f.toString().endsWith(".java") && !f.getFileName().toString().equals("module-info.java"))
                    .forEach(f -> out.add(src.relativize(f.getParent()).toString().replace('/', '.')));
        }
        return out;
    }

    private static Map<String, Export> exportsOf(Path moduleInfo) {
        String text;
        try {
            text = Files.readString(moduleInfo).replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\\n]*", "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertThat(MODULE.matcher(text).find()).as(moduleInfo + " declares a module").isTrue();
        Map<String, Export> out = new HashMap<>();
        Matcher m = EXPORT.matcher(text);
        while (m.find()) {
            Set<String> to = m.group(2) == null ? null : Set.of(m.group(2).replaceAll("\\s", "").split(","));
            out.put(m.group(1), new Export(to));
        }
        return out;
    }
}
