package io.microlink.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.microlink.web.http.HttpRequest;
import io.microlink.web.http.HttpResponse;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The local page's login reads three things an attacker controls (the Authorization header, the
 * Cookie header and the {@code token} query) and echoes one (the path, into the redirect page).
 * Whatever they hold: no exception, no admission (nor a connection slot kept as the owner's)
 * without the real credential, and nothing of the path reaches the page that could end its
 * attribute or start markup.
 */
class LocalLoginFuzzTest {
    private static final int PORT = 8088;
    private static final WebToken TOKEN = WebToken.random();
    private static final LocalLogin LOGIN = new LocalLogin(TOKEN, PORT);
    private static final Pattern REDIRECT = Pattern.compile("content=\"0;url=([^\"]*)\"");

    @FuzzTest
    void credentials(FuzzedDataProvider data) {
        Map<String, String> headers = new HashMap<>();
        headers.put("host", "localhost");
        if (data.consumeBoolean()) {
            headers.put("authorization", data.consumeString(200));
        }
        if (data.consumeBoolean()) {
            headers.put("cookie", data.consumeString(300));
        }
        Map<String, String> query = !data.consumeBoolean() ? Map.of()
                : Map.of(LocalLogin.TOKEN_PARAMETER, data.consumeBoolean() ? TOKEN.text() : data.consumeString(100));
        String path = "/" + data.consumeRemainingAsString();
        HttpRequest request = new HttpRequest("GET", path, query, headers, new byte[0], false,
                InetAddress.getLoopbackAddress());

        boolean holdsCredential = headers.values().stream()
                .anyMatch(v -> v.contains(TOKEN.text()) || v.contains(TOKEN.sessionValue()));
        if (LOGIN.admits(request)) {
            assertThat(holdsCredential).as("admitted without the token or its session value").isTrue();
        }
        // A connection that proves its owner keeps its slot against newcomers: only with the token.
        boolean tokenInQuery = TOKEN.text().equals(query.get(LocalLogin.TOKEN_PARAMETER));
        assertThat(LOGIN.provesOwner(request)).as("proves the owner")
                .isEqualTo(LOGIN.admits(request) || tokenInQuery);
        Optional<HttpResponse> answer = LOGIN.exchange(request);
        assertThat(answer.isPresent()).isEqualTo(!query.isEmpty());
        answer.ifPresent(r -> {
            boolean rightToken = TOKEN.text().equals(query.get(LocalLogin.TOKEN_PARAMETER));
            assertThat(r.status()).isEqualTo(rightToken ? 200 : 401);
            if (rightToken) {
                String page = new String(r.body(), StandardCharsets.UTF_8);
                Matcher target = REDIRECT.matcher(page);
                assertThat(target.find()).as("the redirect names its target").isTrue();
                assertThat(target.group(1)).matches("/[A-Za-z0-9/._-]*");
            }
        });
    }
}
