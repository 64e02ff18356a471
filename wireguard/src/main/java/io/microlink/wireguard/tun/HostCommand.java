package io.microlink.wireguard.tun;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs one of the host's configuration tools ({@code ip}, {@code iptables}) to its end, bounded
 * in time, so a failure carries the tool's own message rather than an exit code.
 */
public final class HostCommand {
    private static final long TIMEOUT_SECONDS = 15;

    private HostCommand() {}

    /**
     * Runs {@code command} and waits for it (at most 15 s).
     *
     * @param command the program and its arguments, e.g. {@code ["ip", "link", "show"]}
     * @return what it printed (stdout and stderr together)
     * @throws IOException if it could not start, timed out or exited non-zero; the message names
     *                     the command and quotes its output
     */
    public static String run(List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + " timed out");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted running " + String.join(" ", command), e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + out);
        }
        return out;
    }
}
