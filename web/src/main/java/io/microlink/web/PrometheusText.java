package io.microlink.web;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Prometheus's text exposition format, version 0.0.4: each metric family once, with its
 * {@code # HELP} and {@code # TYPE} lines before its samples; help text and label values
 * escaped as the format says (a backslash, a double quote in a label value, a line feed), so a
 * peer's name can never break a line or a label out of its quotes.
 *
 * <pre>{@code
 * PrometheusText text = new PrometheusText();
 * text.family("microlink_peer_receive_bytes_total", "counter", "Bytes received from a peer.")
 *     .sample(Map.of("peer", "laptop.tailnet.test", "path", "direct"), 1234);
 * String body = text.toString();
 * }</pre>
 */
final class PrometheusText {
    /** What a scraper is told it gets. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    private final StringBuilder out = new StringBuilder();
    private final Map<String, Boolean> families = new LinkedHashMap<>();
    private String current;

    /** Starts a metric family; its samples follow. Each name may start one family only. */
    PrometheusText family(String name, String type, String help) {
        if (!NAME.matcher(name).matches() || families.putIfAbsent(name, true) != null) {
            throw new IllegalArgumentException("bad or repeated metric name " + name);
        }
        current = name;
        out.append("# HELP ").append(name).append(' ').append(escapeHelp(help)).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
        return this;
    }

    /** A sample of the current family without labels. */
    PrometheusText sample(double value) {
        return sample(Map.of(), value);
    }

    /** A sample of the current family with these labels (in the map's order). */
    PrometheusText sample(Map<String, String> labels, double value) {
        if (current == null) {
            throw new IllegalStateException("a sample needs a family first");
        }
        out.append(current);
        if (!labels.isEmpty()) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<String, String> l : labels.entrySet()) {
                if (!LABEL.matcher(l.getKey()).matches() || l.getKey().startsWith("__")) {
                    throw new IllegalArgumentException("bad label name " + l.getKey());
                }
                out.append(first ? "" : ",").append(l.getKey()).append("=\"").append(escapeLabel(l.getValue()))
                        .append('"');
                first = false;
            }
            out.append('}');
        }
        out.append(' ').append(number(value)).append('\n');
        return this;
    }

    private static String number(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    static String escapeHelp(String s) {
        return s.replace("\\", "\\\\").replace("\n", "\\n");
    }

    static String escapeLabel(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    @Override
    public String toString() {
        return out.toString();
    }
}
