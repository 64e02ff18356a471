package io.microlink.daemon.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;

/** One request's parameters, read with the checks every method needs; a bad one is a {@code bad-request}. */
public record ApiRequest(String method, JsonNode params) {
    public String text(String name) throws ApiException {
        String v = optionalText(name);
        if (v == null) {
            throw new ApiException(ApiException.BAD_REQUEST, "'" + name + "' is required");
        }
        return v;
    }

    /** The text parameter, or null when absent, null or blank. */
    public String optionalText(String name) throws ApiException {
        JsonNode v = params.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new ApiException(ApiException.BAD_REQUEST, "'" + name + "' must be a string");
        }
        return v.asText().isBlank() ? null : v.asText();
    }

    public int integer(String name, int fallback, int min, int max) throws ApiException {
        JsonNode v = params.get(name);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < min || v.asInt() > max) {
            throw new ApiException(ApiException.BAD_REQUEST, "'" + name + "' must be a whole number from " + min
                    + " to " + max);
        }
        return v.asInt();
    }

    public boolean bool(String name) throws ApiException {
        JsonNode v = params.get(name);
        if (v != null && !v.isNull() && !v.isBoolean()) {
            throw new ApiException(ApiException.BAD_REQUEST, "'" + name + "' must be true or false");
        }
        return v != null && v.asBoolean();
    }

    /** A timeout in milliseconds ({@code timeoutMs}), between 1 ms and an hour. */
    public Duration timeout(Duration fallback) throws ApiException {
        return Duration.ofMillis(integer("timeoutMs", (int) fallback.toMillis(), 1, 3_600_000));
    }
}
