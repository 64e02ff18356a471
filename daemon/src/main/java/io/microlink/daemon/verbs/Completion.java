package io.microlink.daemon.verbs;

import io.microlink.daemon.cli.BashCompletion;
import io.microlink.daemon.cli.Context;
import io.microlink.daemon.cli.Options;
import io.microlink.daemon.cli.UsageException;
import io.microlink.daemon.cli.Verb;
import io.microlink.daemon.cli.ZshCompletion;

/** {@code microlink completion bash|zsh}: the shell completion script, written from every verb's flags. */
final class Completion implements Verb {
    @Override
    public String name() {
        return "completion";
    }

    @Override
    public String arguments() {
        return "bash|zsh";
    }

    @Override
    public String summary() {
        return "print the shell completion script for bash or zsh";
    }

    @Override
    public String details() {
        return """
                bash: source <(microlink completion bash) in ~/.bashrc, or save it as
                /etc/bash_completion.d/microlink (or ~/.local/share/bash-completion/completions/microlink).
                zsh: save it as _microlink in a directory of $fpath, before compinit runs.""";
    }

    @Override
    public Options options() {
        return new Options();
    }

    @Override
    public int run(Options.Parsed args, Context context) throws UsageException {
        String shell = args.requirePositionals("bash|zsh").getFirst();
        context.io().out().print(switch (shell) {
            case "bash" -> BashCompletion.script(Verbs.all());
            case "zsh" -> ZshCompletion.script(Verbs.all());
            default -> throw new UsageException("no completion for shell '" + shell + "' (bash or zsh)");
        });
        return 0;
    }
}
