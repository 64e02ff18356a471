package io.microlink.web;

import io.microlink.web.http.HttpException;
import io.microlink.web.http.HttpRequest;
import io.microlink.web.http.HttpResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The pages, scripts and styles, read once from the jar. Each carries an ETag, so a phone that
 * has them revalidates with one small request and a {@code 304}.
 */
final class StaticAssets {
    private static final String ROOT = "/io/microlink/web/static/";
    /** URL path to resource file; pages have short paths, the rest lives under /static/. */
    private static final Map<String, String> ROUTES = Map.ofEntries(
            Map.entry("/", "monitor.html"),
            Map.entry("/peers", "peers.html"),
            Map.entry("/allowlist", "allowlist.html"),
            Map.entry("/settings", "settings.html"),
            Map.entry("/devices", "devices.html"),
            Map.entry("/static/devices.js", "devices.js"),
            Map.entry("/static/app.css", "app.css"),
            Map.entry("/static/app.js", "app.js"),
            Map.entry("/static/monitor.js", "monitor.js"),
            Map.entry("/static/charts.js", "charts.js"),
            Map.entry("/static/peers.js", "peers.js"),
            Map.entry("/static/allowlist.js", "allowlist.js"),
            Map.entry("/static/settings.js", "settings.js"),
            Map.entry("/static/icon.svg", "icon.svg"));

    private record Asset(String contentType, byte[] body, String etag) {}

    private final Map<String, Asset> assets = new LinkedHashMap<>();

    private StaticAssets() {}

    static StaticAssets load() {
        StaticAssets s = new StaticAssets();
        ROUTES.forEach((path, file) -> s.assets.put(path, read(file)));
        return s;
    }

    HttpResponse serve(HttpRequest r) {
        Asset a = assets.get(r.path());
        if (a == null) {
            throw new HttpException(404, "nothing at " + r.path());
        }
        if (!r.method().equals("GET") && !r.method().equals("HEAD")) {
            throw new HttpException(405, r.method() + " is not allowed on " + r.path() + "; use GET");
        }
        if (r.header("if-none-match").filter(tags -> tags.contains(a.etag())).isPresent()) {
            return new HttpResponse(304, null, new byte[0], Map.of("ETag", a.etag(), "Cache-Control", "no-cache"));
        }
        return new HttpResponse(200, a.contentType(), a.body(), Map.of("ETag", a.etag(), "Cache-Control", "no-cache"));
    }

    private static Asset read(String file) {
        try (InputStream in = StaticAssets.class.getResourceAsStream(ROOT + file)) {
            if (in == null) {
                throw new IllegalStateException("the web page's " + file + " is missing from the jar");
            }
            byte[] body = in.readAllBytes();
            return new Asset(contentType(file), body, "\"" + HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(body), 0, 8) + "\"");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the web page's " + file, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    private static String contentType(String file) {
        String ext = file.substring(file.lastIndexOf('.') + 1);
        return switch (ext) {
            case "html" -> "text/html; charset=utf-8";
            case "css" -> "text/css; charset=utf-8";
            case "js" -> "text/javascript; charset=utf-8";
            case "svg" -> "image/svg+xml";
            default -> throw new IllegalStateException("no content type for " + file);
        };
    }
}
