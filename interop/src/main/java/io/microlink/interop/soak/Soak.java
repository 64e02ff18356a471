package io.microlink.interop.soak;

import java.time.Duration;

/**
 * {@code scripts/soak [--minutes N]}: a {@link SoakRun} of N minutes (10 by default, 4 at least), sampled
 * each minute, a restart every two minutes; exits 1 if it failed.
 */
public final class Soak {
    /** The warm-up minute plus the samples {@link GrowthRule} needs. */
    private static final long MIN_MINUTES = SoakRun.WARM_UP.toMinutes() + GrowthRule.MIN_SAMPLES;

    private Soak() {}

    public static void main(String[] args) throws Exception {
        long minutes = 10;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--minutes") && i + 1 < args.length) {
                minutes = parseMinutes(args[++i]);
            } else {
                usage("unknown argument '" + args[i] + "'");
            }
        }
        SoakRun.Result r = new SoakRun(Duration.ofMinutes(minutes), Duration.ofMinutes(1), Duration.ofMinutes(2))
                .run(System.out);
        if (r.passed()) {
            System.out.println("soak passed");
            System.exit(0);
        }
        r.failures().forEach(f -> System.out.println("FAIL: " + f));
        System.exit(1);
    }

    private static long parseMinutes(String s) {
        try {
            long m = Long.parseLong(s);
            if (m >= MIN_MINUTES) {
                return m;
            }
        } catch (NumberFormatException e) {
            // the usage line says it
        }
        usage("--minutes takes a whole number of at least " + MIN_MINUTES + ", not '" + s + "'");
        return 0;
    }

    private static void usage(String problem) {
        System.err.println("soak: " + problem + "\nusage: scripts/soak [--minutes N]");
        System.exit(2);
    }
}
