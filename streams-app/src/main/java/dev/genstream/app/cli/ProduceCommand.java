package dev.genstream.app.cli;

import dev.genstream.app.jobs.InvalidLines;
import dev.genstream.app.jobs.PromptLines;
import dev.genstream.app.jobs.PromptSender;
import dev.genstream.app.streams.GenstreamConfig;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "produce", description = {"Send prompt requests from a JSONL file (or stdin) to the prompts topic.",
        "Each line: {\"request_id\":\"r1\",\"prompt\":\"...\",\"params\":{\"max_tokens\":64}}",
        "Every line is checked first (unknown fields, types, ranges); nothing is",
        "sent while any line is bad. Prints each request id, then the rate on stderr."})
public final class ProduceCommand implements Callable<Integer> {
    @Mixin
    KafkaOptions kafka;

    @Option(names = {"-f", "--file"}, paramLabel = "FILE.jsonl", description = "Prompts, one JSON object per line (default: stdin)")
    Path file;

    @Option(names = "--skip-invalid", description = "Send the valid lines and report the invalid ones, instead of sending nothing")
    boolean skipInvalid;

    @Override
    public Integer call() throws Exception {
        GenstreamConfig c = kafka.connect();
        PromptLines.Result lines;
        try (BufferedReader in = file != null ? Files.newBufferedReader(file, StandardCharsets.UTF_8)
                : new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            lines = new PromptLines(c.getInt(GenstreamConfig.MAX_TOKENS_LIMIT), (n, text) -> UUID.randomUUID().toString()).read(in);
        }
        InvalidLines.enforce(lines, skipInvalid, System.err);
        long start = System.nanoTime();
        try (PromptSender sender = new PromptSender(c)) {
            for (PromptLines.Line l : lines.valid()) sender.send(l.request(), meta -> {});
            sender.flush();
            double s = (System.nanoTime() - start) / 1e9;
            lines.valid().forEach(l -> System.out.println(l.request().getRequestId()));
            System.err.printf("sent %d prompt(s) to %s in %.2f s (%.0f prompts/s)%n", lines.valid().size(), sender.topic(), s,
                    lines.valid().size() / Math.max(s, 1e-9));
        }
        return 0;
    }
}
