package dev.genstream.app;

import dev.genstream.app.cli.BatchCommand;
import dev.genstream.app.cli.BenchCommand;
import dev.genstream.app.cli.ChatCommand;
import dev.genstream.app.cli.ChatTemplateCommand;
import dev.genstream.app.cli.DemoCommand;
import dev.genstream.app.cli.DetokenizeCommand;
import dev.genstream.app.cli.GatewayCommand;
import dev.genstream.app.cli.GenerateCommand;
import dev.genstream.app.cli.LogitsCommand;
import dev.genstream.app.cli.PerplexityCommand;
import dev.genstream.app.cli.ProduceCommand;
import dev.genstream.app.cli.ReplayCommand;
import dev.genstream.app.cli.RunCommand;
import dev.genstream.app.cli.SchemasCommand;
import dev.genstream.app.cli.SynthCommand;
import dev.genstream.app.cli.TailCommand;
import dev.genstream.app.cli.TokenizeCommand;
import dev.genstream.app.cli.UpCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The genstream command line. Errors print as one line; GENSTREAM_DEBUG=1 adds the stack trace. */
@Command(name = "genstream", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT, version = "genstream 0.1.0",
        description = "Kafka stream-processing generation service with an in-process decoder.",
        subcommands = {UpCommand.class, DemoCommand.class, RunCommand.class, GatewayCommand.class, ProduceCommand.class, BatchCommand.class, ReplayCommand.class, TailCommand.class, GenerateCommand.class,
                LogitsCommand.class, PerplexityCommand.class, TokenizeCommand.class, DetokenizeCommand.class, BenchCommand.class, SynthCommand.class, SchemasCommand.class,
                ChatTemplateCommand.class, ChatCommand.class, CommandLine.HelpCommand.class})
public final class Main {
    public static void main(String[] args) {
        // java.util.logging as one line per record, like the Kafka clients' slf4j lines.
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tH:%1$tM:%1$tS.%1$tL %4$s %3$s - %5$s%6$s%n");
        }
        System.exit(run(args));
    }

    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (System.getenv("GENSTREAM_DEBUG") != null) e.printStackTrace();
            cmd.getErr().println("genstream " + cmd.getCommandName() + ": " + describe(e));
            return 1;
        });
        cli.setParameterExceptionHandler((e, badArgs) -> {
            CommandLine cmd = e.getCommandLine();
            String name = cmd == cli ? "genstream" : "genstream " + cmd.getCommandName();
            cmd.getErr().println(name + ": " + e.getMessage() + " (see: " + name + " --help)");
            return 2;
        });
        return cli.execute(args);
    }

    private static String describe(Throwable e) {
        if (e instanceof UncheckedIOException u) e = u.getCause();
        if (e instanceof NoSuchFileException n) return "no such file: " + n.getFile();
        if (e instanceof IOException) return "I/O error: " + e.getMessage();
        String msg = e.getMessage();
        return msg == null || msg.isBlank() ? e.getClass().getSimpleName() : msg;
    }
}
