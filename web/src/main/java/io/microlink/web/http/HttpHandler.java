package io.microlink.web.http;

/**
 * Turns one request into one response. It may throw {@link HttpException} for a request it
 * refuses; any other exception becomes a {@code 500} whose details stay in the log.
 *
 * <pre>{@code
 * HttpHandler hello = request -> HttpResponse.text(200, "hello " + request.remote().getHostAddress());
 * }</pre>
 */
@FunctionalInterface
public interface HttpHandler {
    HttpResponse handle(HttpRequest request);
}
