package io.microlink.daemon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SuggestionsTest {
    private static final List<String> VERBS = List.of("daemon", "up", "down", "status", "ping", "nc", "ip", "whois",
            "serve", "netcheck", "reset");

    @Test
    void distanceCountsInsertsDeletesChangesAndSwaps() {
        assertThat(Suggestions.distance("status", "status")).isZero();
        assertThat(Suggestions.distance("stauts", "status")).isEqualTo(1);   // a swap
        assertThat(Suggestions.distance("statu", "status")).isEqualTo(1);
        assertThat(Suggestions.distance("statuss", "status")).isEqualTo(1);
        assertThat(Suggestions.distance("ststus", "status")).isEqualTo(1);
        assertThat(Suggestions.distance("", "up")).isEqualTo(2);
        assertThat(Suggestions.distance("kitten", "sitting")).isEqualTo(3);
    }

    @Test
    void suggestsOnlyAClosePick() {
        assertThat(Suggestions.closest("stauts", VERBS)).contains("status");
        assertThat(Suggestions.closest("netchek", VERBS)).contains("netcheck");
        assertThat(Suggestions.closest("donw", VERBS)).contains("down");
        assertThat(Suggestions.closest("pign", VERBS)).contains("ping");
        assertThat(Suggestions.closest("frobnicate", VERBS)).isEmpty();
        // Two changes in a four-letter word is half of it: no guess.
        assertThat(Suggestions.closest("pang2", VERBS)).isEmpty();
        assertThat(Suggestions.closest("x", VERBS)).isEmpty();
    }

    @Test
    void theClosestWinsAndTiesGoToTheFirstListed() {
        assertThat(Suggestions.closest("upp", VERBS)).contains("up");
        assertThat(Suggestions.closest("iq", VERBS)).contains("ip");
        assertThat(Suggestions.closest("np", List.of("nc", "ip"))).contains("nc");
    }
}
