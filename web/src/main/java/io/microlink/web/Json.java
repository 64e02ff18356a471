package io.microlink.web;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.microlink.web.http.HttpException;
import io.microlink.web.http.HttpRequest;
import io.microlink.web.http.HttpResponse;
import java.io.IOException;

/** The API's JSON: times as ISO-8601 text, request bodies parsed strictly (one value, no duplicate keys). */
final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private Json() {}

    /** {@code 200} with {@code value} as JSON; API answers are never cached. */
    static HttpResponse ok(Object value) {
        return answer(200, value);
    }

    static HttpResponse answer(int status, Object value) {
        try {
            return HttpResponse.json(status, MAPPER.writeValueAsBytes(value)).withHeader("Cache-Control", "no-store");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    /** The body as a JSON object; anything else is a 400 that says what was wrong, never echoing the body. */
    static JsonNode object(HttpRequest request) {
        if (request.body().length == 0) {
            throw new HttpException(400, "the request body is empty; send a JSON object");
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(request.body());
        } catch (JsonProcessingException e) {
            // Jackson's message quotes the input, which may hold an auth key: say where, not what.
            String where = e.getLocation() == null ? ""
                    : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
            throw new HttpException(400, "the request body is not valid JSON" + where);
        } catch (IOException e) {
            throw new HttpException(400, "the request body cannot be read as JSON");
        }
        if (node == null || !node.isObject()) {
            throw new HttpException(400, "the request body must be a JSON object");
        }
        return node;
    }
}
