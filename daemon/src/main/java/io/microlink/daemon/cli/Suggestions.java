package io.microlink.daemon.cli;

import java.util.Collection;
import java.util.Optional;

/**
 * "Did you mean" for a mistyped command or flag: the closest known word by edit distance
 * (insert, delete, change, or swap two neighbours: "stauts" is one step from "status"), and only
 * when it is close enough that the guess is likely right.
 */
public final class Suggestions {
    private Suggestions() {}

    /** The closest of {@code known} to {@code typed}, the first listed on a tie; empty when none is close. */
    public static Optional<String> closest(String typed, Collection<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : known) {
            int d = distance(typed, k);
            if (d < bestDistance && d <= allowed(k)) {
                best = k;
                bestDistance = d;
            }
        }
        return Optional.ofNullable(best);
    }

    /** One typo in a short word, two in a longer one; never so many that most of the word changed. */
    private static int allowed(String word) {
        return word.length() <= 4 ? 1 : 2;
    }

    /** Optimal string alignment distance (Levenshtein plus swaps of two adjacent characters). */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
