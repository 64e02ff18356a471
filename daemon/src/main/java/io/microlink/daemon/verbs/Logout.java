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

/** {@code microlink logout}: log the node out at control and forget the auth key. */
final class Logout implements Verb, Method {
    @Override
    public String name() {
        return "logout";
    }

    @Override
    public String arguments() {
        return "";
    }

    @Override
    public String summary() {
        return "log this node out of the tailnet and forget its auth key; `microlink up` logs in again";
    }

    @Override
    public Options options() {
        return new Options();
    }

    @Override
    public int run(Options.Parsed args, Context context) throws CliException, UsageException {
        args.requirePositionals();
        context.api().call(ApiProtocol.object().put("method", method()));
        context.io().out().println("logged out; `microlink up` logs in again (with an auth key or a login URL)");
        return 0;
    }

    @Override
    public String method() {
        return "logout";
    }

    @Override
    public Reply handle(ApiRequest request, Daemon daemon) throws ApiException {
        daemon.logout();
        return Reply.of(ApiProtocol.object().put("state", daemon.stateName()));
    }
}
