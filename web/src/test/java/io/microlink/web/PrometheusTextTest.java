package io.microlink.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The exposition format's own rules: HELP and TYPE once per family, escaping, names, numbers. */
class PrometheusTextTest {
    @Test
    void writesHelpAndTypeBeforeTheSamplesAndEscapesLabelValuesAndHelp() {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("peer", "a\\b \"c\"\nd");
        labels.put("path", "direct");
        String text = new PrometheusText().family("x_total", "counter", "Help with \\ and\na line break.")
                .sample(labels, 3).sample(Map.of("peer", "plain"), 0).sample(7).toString();
        assertThat(text).isEqualTo("""
                # HELP x_total Help with \\\\ and\\na line break.
                # TYPE x_total counter
                x_total{peer="a\\\\b \\"c\\"\\nd",path="direct"} 3
                x_total{peer="plain"} 0
                x_total 7
                """);
    }

    @Test
    void writesWholeNumbersWithoutAFractionAndTheSpecialValuesAsTheFormatSpellsThem() {
        String text = new PrometheusText().family("g", "gauge", "h").sample(Map.of("k", "a"), 1.5)
                .sample(Map.of("k", "b"), 42).sample(Map.of("k", "c"), Double.NaN)
                .sample(Map.of("k", "d"), Double.POSITIVE_INFINITY).sample(Map.of("k", "e"), -1).toString();
        assertThat(text).contains("g{k=\"a\"} 1.5\n", "g{k=\"b\"} 42\n", "g{k=\"c\"} NaN\n", "g{k=\"d\"} +Inf\n",
                "g{k=\"e\"} -1\n");
    }

    @Test
    void refusesBadOrRepeatedNamesAndSamplesWithoutAFamily() {
        assertThatThrownBy(() -> new PrometheusText().family("1bad", "gauge", "h"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PrometheusText().family("a", "gauge", "h").family("a", "gauge", "h"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PrometheusText().family("a", "gauge", "h").sample(Map.of("bad-label", "x"), 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PrometheusText().family("a", "gauge", "h").sample(Map.of("__reserved", "x"), 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PrometheusText().sample(1)).isInstanceOf(IllegalStateException.class);
    }
}
