package io.microlink.web.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A complete response: status, content type, body and any extra headers. The server adds
 * {@code Content-Length}, {@code Connection} and the security headers every answer carries.
 * {@code afterSent}, if not null, runs on a thread of its own once the answer is written: for
 * actions (a restart) that may end the connection or the server itself.
 *
 * <pre>{@code
 * return HttpResponse.json(200, "{\"ok\":true}".getBytes(UTF_8)).withHeader("Cache-Control", "no-store");
 * }</pre>
 */
public record HttpResponse(int status, String contentType, byte[] body, Map<String, String> headers,
                           Runnable afterSent) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public HttpResponse {
        headers = Map.copyOf(headers);
    }

    public HttpResponse(int status, String contentType, byte[] body, Map<String, String> headers) {
        this(status, contentType, body, headers, null);
    }

    public static HttpResponse json(int status, byte[] body) {
        return new HttpResponse(status, "application/json", body, Map.of());
    }

    public static HttpResponse text(int status, String body) {
        return new HttpResponse(status, "text/plain; charset=utf-8", body.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    /** {@code {"error": message}}, the shape of every refusal. */
    public static HttpResponse error(int status, String message) {
        try {
            return json(status, JSON.writeValueAsBytes(JsonNodeFactory.instance.objectNode().put("error", message)));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write a JSON string", e);
        }
    }

    public static HttpResponse noContent() {
        return new HttpResponse(204, null, new byte[0], Map.of());
    }

    public HttpResponse withHeader(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new HttpResponse(status, contentType, body, more, afterSent);
    }

    public HttpResponse thenRun(Runnable action) {
        return new HttpResponse(status, contentType, body, headers, action);
    }
}
