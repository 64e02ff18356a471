package io.microlink.web;

import io.microlink.web.http.HttpRequest;
import io.microlink.web.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How a caller on the localhost listener shows it holds the {@link WebToken}: once with
 * {@code ?token=...} in the URL, which is answered with a session cookie ({@code HttpOnly},
 * {@code SameSite=Strict}) and a redirect to the same page without the token, so it leaves the
 * address bar and the history; after that with the cookie; or, for scripts, with
 * {@code Authorization: Bearer TOKEN}. Anyone else gets {@code 401} and the advice to run
 * {@code microlink web}.
 */
final class LocalLogin {
    static final String TOKEN_PARAMETER = "token";
    static final String HOW_TO = "this page needs its access token: run `microlink web` for a link that carries it";
    private static final String BEARER = "bearer ";
    /** What may go into the redirect's HTML unescaped: every path this server answers looks like this. */
    private static final Pattern SAFE_PATH = Pattern.compile("/[A-Za-z0-9/._-]{0,200}");

    private final WebToken token;
    /** Cookies are not kept apart by port: one name per port keeps two daemons' sessions apart. */
    private final String cookieName;

    LocalLogin(WebToken token, int port) {
        this.token = token;
        this.cookieName = "microlink-web-" + port;
    }

    /** Whether the request carries the session cookie or the token as a bearer credential. */
    boolean admits(HttpRequest request) {
        Optional<String> auth = request.header("authorization");
        if (auth.isPresent() && auth.get().regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return token.matches(auth.get().substring(BEARER.length()).strip());
        }
        return cookie(request).map(token::matchesSession).orElse(false);
    }

    /**
     * Whether the request shows the token in any form this class takes (session, bearer, or the
     * {@code ?token=} exchange): the caller is the owner, and its connection may keep its slot.
     */
    boolean provesOwner(HttpRequest request) {
        return admits(request) || request.query(TOKEN_PARAMETER).map(token::matches).orElse(false);
    }

    /** A request that hands over the token in its URL: the answer to it, whether the token is right or not. */
    Optional<HttpResponse> exchange(HttpRequest request) {
        Optional<String> offered = request.query(TOKEN_PARAMETER);
        if (offered.isEmpty()) {
            return Optional.empty();
        }
        if (!token.matches(offered.get())) {
            return Optional.of(refusal(request));
        }
        // A page that redirects, not a 3xx: a link opened from another site (a chat, a file) is a
        // cross-site navigation, and a browser withholds a Strict cookie from every hop of its redirect
        // chain; the refresh below is a navigation of our own page, which carries it.
        String clean = SAFE_PATH.matcher(request.path()).matches() ? request.path() : "/";
        String page = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta http-equiv=\"refresh\" content=\"0;url=" + clean + "\"><title>MicroLink</title></head>"
                + "<body><a href=\"" + clean + "\">Continue</a></body></html>";
        return Optional.of(new HttpResponse(200, "text/html; charset=utf-8", page.getBytes(StandardCharsets.UTF_8),
                Map.of("Set-Cookie", cookieName + "=" + token.sessionValue() + "; Path=/; HttpOnly; SameSite=Strict",
                        "Cache-Control", "no-store")));
    }

    /** The 401 answer: a short page for a browser, {@code {"error": ...}} for the API. */
    HttpResponse refusal(HttpRequest request) {
        if (request.path().startsWith("/api/")) {
            return HttpResponse.error(401, HOW_TO).withHeader("WWW-Authenticate", "Bearer");
        }
        String page = """
                <!doctype html>
                <html lang="en"><head><meta charset="utf-8"><title>MicroLink: token needed</title></head>
                <body><h1>This page needs its access token</h1>
                <p>On the machine that runs MicroLink, as the user that runs it, run</p>
                <pre>microlink web</pre>
                <p>and open the link it prints. The link carries a token that this page exchanges for a
                cookie; other local users and programs do not have it.</p></body></html>
                """;
        return new HttpResponse(401, "text/html; charset=utf-8", page.getBytes(StandardCharsets.UTF_8),
                Map.of("Cache-Control", "no-store", "WWW-Authenticate", "Bearer"));
    }

    private Optional<String> cookie(HttpRequest request) {
        for (String pair : request.header("cookie").orElse("").split("[;,]")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).strip().equals(cookieName)) {
                return Optional.of(pair.substring(eq + 1).strip());
            }
        }
        return Optional.empty();
    }
}
