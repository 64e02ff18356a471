package io.microlink.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.microlink.web.http.HttpException;
import io.microlink.web.http.HttpRequest;
import io.microlink.web.http.HttpResponse;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code /api/devices}: a LOPOWER bridge's devices. {@code GET} lists them; {@code POST} with
 * {@code {"name", "publicKey"?, "endpoint"?, "keepalive"?}} enrolls one and answers, once, its
 * configuration and QR code (PNG, base64); {@code DELETE /api/devices/NAME} removes one.
 */
final class DevicesApi {
    private static final String PATH = "/api/devices";
    private static final Set<String> FIELDS = Set.of("name", "publicKey", "endpoint", "keepalive");

    private final DeviceBridge bridge;

    DevicesApi(DeviceBridge bridge) {
        this.bridge = bridge;
    }

    static boolean serves(String path) {
        return path.equals(PATH) || path.startsWith(PATH + "/");
    }

    HttpResponse handle(HttpRequest r) {
        try {
            if (r.path().equals(PATH)) {
                return switch (r.method()) {
                    case "POST" -> add(r);
                    case "GET", "HEAD" -> Json.ok(Map.of("devices", bridge.devices()));
                    default -> throw WebApi.methodNotAllowed(r, "GET or POST");
                };
            }
            if (!r.method().equals("DELETE")) {
                throw WebApi.methodNotAllowed(r, "DELETE");
            }
            String name = r.path().substring(PATH.length() + 1);
            bridge.remove(name);
            return Json.ok(Map.of("removed", name));
        } catch (DeviceBridge.DeviceException e) {
            throw new HttpException(400, e.getMessage());
        }
    }

    private HttpResponse add(HttpRequest r) throws DeviceBridge.DeviceException {
        JsonNode body = Json.object(r);
        body.fieldNames().forEachRemaining(f -> {
            if (!FIELDS.contains(f)) {
                throw new HttpException(400, "unknown field '" + f + "'; send name, and optionally publicKey,"
                        + " endpoint and keepalive");
            }
        });
        String name = text(body, "name");
        if (name == null) {
            throw new HttpException(400, "name is missing");
        }
        JsonNode keepalive = body.get("keepalive");
        if (keepalive != null && !keepalive.isNull() && !keepalive.canConvertToInt()) {
            throw new HttpException(400, "keepalive must be a whole number of seconds");
        }
        DeviceBridge.Enrolled e = bridge.add(name, text(body, "publicKey"), text(body, "endpoint"),
                keepalive == null || keepalive.isNull() ? null : keepalive.intValue());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("device", e.device());
        out.put("config", e.config());
        out.put("qrPng", Base64.getEncoder().encodeToString(e.qrPng()));
        return Json.answer(201, out);
    }

    /** A text field, blank as absent; anything but text is a 400. */
    private static String text(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new HttpException(400, field + " must be text");
        }
        String s = v.asText().strip();
        return s.isEmpty() ? null : s;
    }
}
