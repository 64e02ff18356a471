package io.microlink.interop;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A namespace's own {@code /etc/resolv.conf}: {@code ip netns exec} bind-mounts
 * {@code /etc/netns/NS/resolv.conf} over it for every process started in {@code NS}. Close
 * removes the file and its directory, and {@code /etc/netns} itself when this made it and no
 * other namespace's files are left there (a machine without one before a test has none after).
 *
 * <pre>{@code
 * try (NamespaceResolvConf conf = NamespaceResolvConf.write(ns, "nameserver 10.90.0.1\n")) {
 *     net.exec(ns, "getent", "hosts", "peer").requireSuccess();
 * }
 * }</pre>
 */
public final class NamespaceResolvConf implements AutoCloseable {
    private static final Path ETC_NETNS = Path.of("/etc/netns");

    private final Path file;
    private final boolean madeEtcNetns;

    private NamespaceResolvConf(Path file, boolean madeEtcNetns) {
        this.file = file;
        this.madeEtcNetns = madeEtcNetns;
    }

    /** Writes {@code content} as {@code namespace}'s resolv.conf, readable by all as the real one is. */
    public static NamespaceResolvConf write(String namespace, String content) throws IOException {
        boolean madeEtcNetns = !Files.isDirectory(ETC_NETNS);
        Path file = ETC_NETNS.resolve(namespace).resolve("resolv.conf");
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        return new NamespaceResolvConf(file, madeEtcNetns);
    }

    /** The file, which the test may read or the node under test may rewrite. */
    public Path file() {
        return file;
    }

    @Override
    public void close() throws IOException {
        Files.deleteIfExists(file);
        Files.deleteIfExists(file.getParent());
        if (madeEtcNetns) {
            try {
                Files.deleteIfExists(ETC_NETNS);
            } catch (DirectoryNotEmptyException another) {
                // another run's namespace files: theirs to remove
            }
        }
    }
}
