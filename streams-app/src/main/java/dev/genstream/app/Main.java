package dev.genstream.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The genstream command line. */
@Command(name = "genstream", mixinStandardHelpOptions = true, version = "genstream 0.1.0",
        description = "Kafka stream-processing generation service with an in-process decoder.",
        subcommands = {CommandLine.HelpCommand.class})
public final class Main {
    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String... args) {
        return new CommandLine(new Main()).execute(args);
    }
}
