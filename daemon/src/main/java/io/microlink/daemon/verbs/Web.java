package io.microlink.daemon.verbs;

import io.microlink.StateException;
import io.microlink.daemon.Daemon;
import io.microlink.daemon.api.ApiException;
import io.microlink.daemon.api.ApiProtocol;
import io.microlink.daemon.api.ApiRequest;
import io.microlink.daemon.api.Method;
import io.microlink.daemon.cli.CliException;
import io.microlink.daemon.cli.Context;
import io.microlink.daemon.cli.Locations;
import io.microlink.daemon.cli.Options;
import io.microlink.daemon.cli.UsageException;
import io.microlink.daemon.cli.Verb;
import io.microlink.state.PrivateFiles;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * {@code microlink web}: prints the local web page's link with its access token. The token
 * comes through the daemon's socket, so exactly those who may use the daemon get it.
 */
final class Web implements Verb, Method {
    @Override
    public String name() {
        return "web";
    }

    @Override
    public String arguments() {
        return "";
    }

    @Override
    public String summary() {
        return "print the link to the local web page, with its access token";
    }

    @Override
    public String details() {
        return """
                The page on 127.0.0.1 answers only callers that show its token (kept owner-only in
                the state directory as web-token): open the printed link once, and the page trades
                the token for a session cookie and drops it from the address bar. Scripts may send
                `Authorization: Bearer TOKEN` instead. Delete web-token and restart the daemon for a
                new token. --open starts the browser named by $BROWSER, or xdg-open, without putting
                the token on a command line.""";
    }

    @Override
    public Options options() {
        return new Options().flag("open", null, "also open the page in a browser, if one is found");
    }

    @Override
    public int run(Options.Parsed args, Context context) throws CliException, UsageException {
        args.requirePositionals();
        String url = context.api().call(ApiProtocol.object().put("method", method())).path("url").asText();
        context.io().out().println(url);
        if (args.flag("open")) {
            open(url, context);
        }
        return 0;
    }

    /**
     * Hands the browser a file that forwards to {@code url}: the token then never appears in a
     * process list, as it would on the browser's command line.
     */
    private static void open(String url, Context context) throws CliException {
        Optional<String> browser = browser(context);
        if (browser.isEmpty()) {
            context.io().err().println("no browser found ($BROWSER is unset and xdg-open is not on the PATH);"
                    + " open the link above yourself");
            return;
        }
        Path opener = context.stateDir().resolve(Locations.WEB_OPENER_NAME);
        String page = "<!doctype html><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"0;url="
                + url + "\"><title>MicroLink</title><a href=\"" + url + "\">MicroLink</a>\n";
        try {
            PrivateFiles.writeAtomically(opener, page.getBytes(StandardCharsets.UTF_8));
            new ProcessBuilder(browser.get(), opener.toUri().toString())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (StateException e) {
            throw new CliException(e.getMessage());
        } catch (IOException e) {
            context.io().err().println("cannot start " + browser.get() + ": " + e.getMessage()
                    + "; open the link above yourself");
        }
    }

    private static Optional<String> browser(Context context) {
        String named = context.io().env().get("BROWSER");
        if (named != null && !named.isBlank()) {
            return Optional.of(named.strip());
        }
        String path = context.io().env().getOrDefault("PATH", "");
        return List.of(path.split(File.pathSeparator)).stream()
                .filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, "xdg-open"))
                .filter(Files::isExecutable)
                .map(Path::toString)
                .findFirst();
    }

    @Override
    public String method() {
        return "web";
    }

    @Override
    public Reply handle(ApiRequest request, Daemon daemon) throws ApiException {
        return Reply.of(ApiProtocol.object().put("url", daemon.webUrl()));
    }
}
