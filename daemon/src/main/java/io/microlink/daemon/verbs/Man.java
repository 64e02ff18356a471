package io.microlink.daemon.verbs;

import io.microlink.daemon.cli.Context;
import io.microlink.daemon.cli.ManPage;
import io.microlink.daemon.cli.Options;
import io.microlink.daemon.cli.UsageException;
import io.microlink.daemon.cli.Verb;

/** {@code microlink man}: the man page in roff, written from every verb's help and flags. */
final class Man implements Verb {
    @Override
    public String name() {
        return "man";
    }

    @Override
    public String arguments() {
        return "";
    }

    @Override
    public String summary() {
        return "print the microlink(1) man page (roff): microlink man | man -l -";
    }

    @Override
    public String details() {
        return "To install it: microlink man | gzip > /usr/local/share/man/man1/microlink.1.gz";
    }

    @Override
    public Options options() {
        return new Options();
    }

    @Override
    public int run(Options.Parsed args, Context context) throws UsageException {
        args.requirePositionals();
        context.io().out().print(ManPage.roff(Verbs.all()));
        return 0;
    }
}
