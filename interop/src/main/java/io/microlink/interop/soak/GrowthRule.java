package io.microlink.interop.soak;

import java.util.List;

/**
 * When a resource "grows without bound" over a soak: the largest value of the last third of
 * the samples exceeds the largest of the first third by more than a margin. Maxima, not
 * means, so a GC that happens to run late or a burst of connections does not decide; thirds,
 * so the start-up (the first third's peak) is the baseline and a late plateau still passes.
 *
 * @param what   the resource, for the verdict
 * @param margin the growth allowed on top of the first third's maximum
 */
public record GrowthRule(String what, long margin) {
    /** Fewer samples than this cannot tell growth from noise; the rule then passes nothing. */
    public static final int MIN_SAMPLES = 3;

    /** Null if {@code samples} stay within bounds, else why not. */
    public String violation(List<Long> samples) {
        if (samples.size() < MIN_SAMPLES) {
            return what + ": only " + samples.size() + " samples, need " + MIN_SAMPLES;
        }
        int third = samples.size() / 3;
        long first = max(samples.subList(0, third));
        long last = max(samples.subList(samples.size() - third, samples.size()));
        return last > first + margin
                ? what + " grew: last third's maximum " + last + " > first third's " + first + " + " + margin
                : null;
    }

    private static long max(List<Long> values) {
        return values.stream().mapToLong(Long::longValue).max().orElseThrow();
    }
}
