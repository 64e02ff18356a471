package io.microlink.tun;

import io.microlink.control.wire.DnsConfig;
import io.microlink.dns.HostResolvers;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * TUN mode's hold on the host's resolver, as tailscaled's direct mode on Linux
 * ({@code net/dns/direct.go}): while the tailnet gives DNS settings, {@code /etc/resolv.conf}
 * names quad-100 and the tailnet's search domains ({@link ResolvConf#wanted}); the host's own
 * file is kept aside and comes back byte for byte when the tailnet gives none, at
 * {@link #close()}, and at the next start after a killed run.
 *
 * <ul>
 *   <li>The backup lives in the node's state directory ({@value #BACKUP}; a symlink's target in
 *       {@value #BACKUP_LINK}), not beside the file as tailscaled's
 *       {@code /etc/resolv.pre-tailscale-backup.conf}: nothing else in {@code /etc} is written,
 *       and two nodes never share one.</li>
 *   <li>Writes are atomic (a new file beside it, mode 0644, renamed over it). A file that is a
 *       mount point (containers, {@code ip netns exec}) cannot be renamed over: it is rewritten in
 *       place, tailscaled's fallback too.</li>
 *   <li>A file systemd-resolved or resolvconf manages ({@link ResolvConf#owner}) is left alone,
 *       with one WARNING: tailscaled programs those over D-Bus or by running resolvconf.</li>
 *   <li>A file someone else replaced while the node ran is theirs: the backup is dropped, not
 *       restored over it.</li>
 * </ul>
 *
 * <pre>{@code
 * SystemResolver r = SystemResolver.start(new SystemResolver.Config(SystemResolver.RESOLV_CONF, stateDir, true));
 * if (r != null) { forwardTo(r.hostResolvers()); r.follow(netmap.dns().orElse(null)); ... r.close(); }
 * }</pre>
 */
public final class SystemResolver implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("io.microlink.tun");
    /** The system's resolver configuration. */
    public static final Path RESOLV_CONF = Path.of("/etc/resolv.conf");
    static final String BACKUP = "resolv.conf.backup";
    static final String BACKUP_LINK = "resolv.conf.backup-link";
    private static final Path NSSWITCH = Path.of("/etc/nsswitch.conf");
    /** More than any resolv.conf: a bigger file is not read (tailscale's limit too). */
    private static final long MAX_BYTES = 10 << 10;

    /**
     * Where TUN mode may configure the host's resolver.
     *
     * @param resolvConf      the file ({@link #RESOLV_CONF}; tests give their own)
     * @param backupDirectory where the host's own file is kept meanwhile (the node's state directory)
     * @param accept          whether to configure it ({@code --accept-dns}); off, only a killed run's
     *                        change is undone
     */
    public record Config(Path resolvConf, Path backupDirectory, boolean accept) {}

    private final Path file;
    private final Path backup;
    private final Path backupLink;
    private final List<InetSocketAddress> hostResolvers;
    private Optional<String> written = Optional.empty(); // guarded by this
    private boolean failed; // guarded by this: a write failure is said once
    private boolean closed; // guarded by this

    /**
     * Undoes what a killed run left unless it can reuse it, then takes the file over if
     * {@code config} accepts DNS and nobody else manages it. Writes nothing more before the first
     * {@link #follow}.
     *
     * @return the hold on the file, or null when the host's resolver is to be left alone
     */
    public static SystemResolver start(Config config) {
        SystemResolver r = new SystemResolver(config);
        try {
            String current = read(r.file);
            boolean ours = current != null && ResolvConf.ours(current);
            if (Files.exists(r.backup)) {
                if (!ours) {
                    r.dropBackup(); // someone replaced our file since: theirs stands
                } else if (!config.accept()) {
                    r.restore();
                    LOG.log(Level.INFO, "{0}: the host''s own file is back (a previous run had changed it)", r.file);
                }
            } else if (ours) {
                LOG.log(Level.WARNING, "{0} was written by MicroLink, but no copy of the host''s own file is in {1} to "
                        + "give back: it stays as it is (restore it by hand), and names outside the tailnet go to the "
                        + "tailnet''s resolvers only", r.file, config.backupDirectory());
            }
            if (!config.accept()) {
                return null;
            }
            if (!ours) {
                ResolvConf.Owner owner = ResolvConf.owner(current, symlinkTarget(r.file), read(NSSWITCH),
                        resolvconfInstalled());
                if (owner != ResolvConf.Owner.DIRECT) {
                    LOG.log(Level.WARNING, "TUN mode: {0} is managed by {1}, which this node does not program: the host''s "
                            + "resolver is left alone; point it at 100.100.100.100 for MagicDNS (docs/tun.md)", r.file,
                            owner == ResolvConf.Owner.SYSTEMD_RESOLVED ? "systemd-resolved" : "resolvconf");
                    return null;
                }
            }
            return r.withHostResolvers(current, ours);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "TUN mode: cannot read {0} ({1}): the host''s resolver is left alone", r.file,
                    e.getMessage());
            return null;
        }
    }

    private SystemResolver(Config config) {
        this(config.resolvConf(), config.backupDirectory().resolve(BACKUP),
                config.backupDirectory().resolve(BACKUP_LINK), List.of());
    }

    private SystemResolver(Path file, Path backup, Path backupLink, List<InetSocketAddress> hostResolvers) {
        this.file = file;
        this.backup = backup;
        this.backupLink = backupLink;
        this.hostResolvers = hostResolvers;
    }

    /** The same hold, knowing the resolvers the host had: from the backup when the file is ours, never from our own file. */
    private SystemResolver withHostResolvers(String current, boolean ours) throws IOException {
        String before = ours ? read(backup) : current;
        SystemResolver r = new SystemResolver(file, backup, backupLink,
                before == null ? List.of() : HostResolvers.nameservers(before));
        if (ours) {
            r.written = Optional.of(current); // a killed run's: reused, rewritten only if the netmap says otherwise
        }
        return r;
    }

    /** The resolvers the host used before this node (quad-100 never among them), for names outside the tailnet. */
    public List<InetSocketAddress> hostResolvers() {
        return hostResolvers;
    }

    /**
     * Makes the file say what {@code config} asks ({@link ResolvConf#wanted}), or gives the host
     * its own back when it asks nothing; nothing happens when the file says that already. A
     * failure is logged once and never thrown.
     *
     * @param config the tailnet's DNS config from the netmap, or null
     */
    public synchronized void follow(DnsConfig config) {
        Optional<String> want = ResolvConf.wanted(config);
        if (closed || want.equals(written)) {
            return;
        }
        try {
            if (want.isEmpty()) {
                restore();
                LOG.log(Level.INFO, "{0}: the tailnet gives no DNS settings, the host''s own file is back", file);
            } else {
                boolean first = written.isEmpty();
                keepBackup();
                write(file, want.get());
                if (first) {
                    LOG.log(Level.INFO, "{0} names MagicDNS (100.100.100.100) until the node stops; the host''s own file "
                            + "is kept in {1}", file, backup);
                }
            }
            written = want;
            failed = false;
        } catch (IOException e) {
            if (!failed) {
                LOG.log(Level.WARNING, "TUN mode: cannot configure the host''s resolver in {0}: {1}", file, e.getMessage());
            }
            failed = true;
        }
    }

    /** Gives the host its own file back (if this node changed it); nothing happens after that. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            restore();
            if (written.isPresent()) {
                LOG.log(Level.INFO, "{0}: the host''s own file is back", file);
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "TUN mode: cannot give {0} back ({1}); the host''s own file is in {2}", file,
                    e.getMessage(), backup);
        }
    }

    /**
     * Copies the host's file aside before it is replaced, as tailscaled's {@code backupConfig}:
     * a file that is not ours (the host's, or one another program wrote over ours meanwhile)
     * becomes the backup; our own is never backed up; with no file there is nothing to give back.
     */
    private void keepBackup() throws IOException {
        String current = read(file);
        if (current == null) {
            dropBackup(); // nothing to give back; an older copy must not come back later
            return;
        }
        if (ResolvConf.ours(current)) {
            return;
        }
        String target = symlinkTarget(file);
        if (target != null) {
            write(backupLink, target);
        } else {
            Files.deleteIfExists(backupLink);
        }
        writeAtomically(backup, readBytes(file), "rw-------");
    }

    /** Puts the backup back if the file is still ours; drops it either way. */
    private void restore() throws IOException {
        if (!Files.exists(backup)) {
            return;
        }
        String current = read(file);
        if (current == null || ResolvConf.ours(current)) {
            String link = read(backupLink);
            if (link != null && !isMountPoint(file)) {
                Path tmp = sibling(file);
                Files.createSymbolicLink(tmp, Path.of(link));
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } else {
                write(file, readBytes(backup));
            }
        }
        dropBackup();
    }

    private void dropBackup() throws IOException {
        Files.deleteIfExists(backup);
        Files.deleteIfExists(backupLink);
    }

    private static void write(Path path, String text) throws IOException {
        write(path, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Atomically when it can, in place when the file is a mount point or the rename is refused. */
    private static void write(Path path, byte[] bytes) throws IOException {
        if (isMountPoint(path)) {
            Files.write(path, bytes, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
            return;
        }
        try {
            writeAtomically(path, bytes, "rw-r--r--");
        } catch (FileSystemException renameRefused) {
            if (!Files.exists(path)) {
                throw renameRefused;
            }
            Files.write(path, bytes, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        }
    }

    private static void writeAtomically(Path path, byte[] bytes, String mode) throws IOException {
        Path tmp = sibling(path);
        try {
            Files.write(tmp, bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            // Set explicitly: the umask must not make the resolver's file unreadable to other users.
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString(mode));
            Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static Path sibling(Path path) {
        return path.resolveSibling(path.getFileName() + "." + HexFormat.of().toHexDigits(
                ThreadLocalRandom.current().nextLong()) + ".tmp");
    }

    /** Whether {@code path} is itself a mount point (a bind-mounted file), by this process's mount table. */
    static boolean isMountPoint(Path path) {
        String wanted = path.toAbsolutePath().normalize().toString();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String[] fields = line.split(" ");
                // Field 5 is the mount point, with blanks and the like as octal escapes.
                if (fields.length > 4 && unescape(fields[4]).equals(wanted)) {
                    return true;
                }
            }
        } catch (IOException | RuntimeException e) {
            return false; // no mount table: the rename, and its fallback, decide
        }
        return false;
    }

    private static String unescape(String field) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 3 < field.length() && field.substring(i + 1, i + 4).matches("[0-7]{3}")) {
                out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static String symlinkTarget(Path path) {
        try {
            return Files.isSymbolicLink(path) ? Files.readSymbolicLink(path).toString() : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static boolean resolvconfInstalled() {
        String path = System.getenv("PATH");
        return path != null && List.of(path.split(":")).stream()
                .anyMatch(dir -> !dir.isEmpty() && Files.isExecutable(Path.of(dir, "resolvconf")));
    }

    /** The file's text, or null when there is none. */
    private static String read(Path path) throws IOException {
        try {
            return new String(readBytes(path), StandardCharsets.UTF_8);
        } catch (NoSuchFileException none) {
            return null;
        }
    }

    private static byte[] readBytes(Path path) throws IOException {
        if (Files.size(path) > MAX_BYTES) {
            throw new IOException(path + " is larger than " + MAX_BYTES + " bytes");
        }
        return Files.readAllBytes(path);
    }
}
