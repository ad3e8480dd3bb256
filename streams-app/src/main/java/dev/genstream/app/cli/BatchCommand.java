package dev.genstream.app.cli;

import dev.genstream.app.jobs.BatchJob;
import dev.genstream.app.jobs.BatchProgress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "batch", description = {
        "Run a JSONL file of prompts through the service; write one JSON line per answer.",
        "Every line is checked first; nothing is sent while any line is bad.",
        "Answers are appended in arrival order (not input order), with their line.",
        "Re-run with the same --out to resume: ids answered there are skipped, and",
        "answers finished meanwhile are read from the topics.",
        "Exit code: 0 all answered, 2 some dead-lettered, 1 failure or timeout."})
public final class BatchCommand implements Callable<Integer> {
    @Mixin
    KafkaOptions kafka;

    @Option(names = "--in", required = true, paramLabel = "FILE.jsonl", description = "Prompt requests, one JSON object per line")
    Path in;

    @Option(names = "--out", required = true, paramLabel = "FILE.jsonl", description = "Results: completions and dead letters, appended")
    Path out;

    @Option(names = "--skip-invalid", description = "Send the valid lines and report the invalid ones, instead of sending nothing")
    boolean skipInvalid;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "Give up (exit 1) if not all are answered by then (default: wait)")
    Long timeoutSeconds;

    @Option(names = "--progress", negatable = true, description = "Redraw a progress bar (default: when stderr is a terminal)")
    Boolean progress;

    @Override
    public Integer call() throws Exception {
        if (timeoutSeconds != null && timeoutSeconds <= 0) throw new IllegalArgumentException("--timeout must be positive, got " + timeoutSeconds);
        boolean bar = progress != null ? progress : BatchProgress.terminal();
        return new BatchJob(kafka.load(), System.err)
                .run(in, out, skipInvalid, timeoutSeconds == null ? null : Duration.ofSeconds(timeoutSeconds), bar)
                .exitCode();
    }
}
