package io.microlink.daemon.verbs;

import io.microlink.daemon.Daemon;
import io.microlink.daemon.api.ApiException;
import io.microlink.daemon.api.ApiProtocol;
import io.microlink.daemon.api.ApiRequest;
import io.microlink.daemon.api.Method;
import io.microlink.daemon.cli.CliException;
import io.microlink.daemon.cli.Context;
import io.microlink.daemon.cli.Options;
import io.microlink.daemon.cli.UsageException;
import io.microlink.daemon.cli.Verb;

/** {@code microlink down}: disconnect from the tailnet, keeping keys and settings. */
final class Down implements Verb, Method {
    @Override
    public String name() {
        return "down";
    }

    @Override
    public String arguments() {
        return "";
    }

    @Override
    public String summary() {
        return "disconnect from the tailnet; keys and settings stay, `microlink up` reconnects";
    }

    @Override
    public Options options() {
        return new Options();
    }

    @Override
    public int run(Options.Parsed args, Context context) throws CliException, UsageException {
        args.requirePositionals();
        context.api().call(ApiProtocol.object().put("method", method()));
        context.io().out().println("microlink is down; `microlink up` reconnects with the same identity");
        return 0;
    }

    @Override
    public String method() {
        return "down";
    }

    @Override
    public Reply handle(ApiRequest request, Daemon daemon) throws ApiException {
        daemon.update(daemon.settings().withChanges(ApiProtocol.object().put("wantRunning", false)));
        return Reply.of(ApiProtocol.object().put("state", daemon.stateName()));
    }
}
