package dev.genstream.app.cli;

import dev.genstream.engine.generate.Perplexity;
import dev.genstream.engine.model.Model;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "perplexity", description = {
        "Perplexity of a text file, computed as llama.cpp's llama-perplexity does, so the figures compare directly:",
        "non-overlapping chunks of --ctx-size tokens, BOS first only when the model adds one, the second half of each chunk scored."})
public final class PerplexityCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions model;

    @Option(names = {"-f", "--text-file"}, required = true, paramLabel = "T", description = "The text (UTF-8)")
    Path textFile;

    @Option(names = {"-c", "--ctx-size"}, paramLabel = "N", defaultValue = "512", description = "Tokens per chunk (default: ${DEFAULT-VALUE}, as llama-perplexity)")
    int ctxSize;

    @Option(names = {"-b", "--batch-size"}, paramLabel = "B", defaultValue = "2048", description = "Most tokens per forward pass (default: ${DEFAULT-VALUE})")
    int batchSize;

    @Override
    public Integer call() throws IOException {
        if (ctxSize < 4) throw new ParameterException(spec.commandLine(), "--ctx-size must be at least 4, got " + ctxSize);
        if (batchSize < 1) throw new ParameterException(spec.commandLine(), "--batch-size must be at least 1, got " + batchSize);
        String text = Files.readString(textFile);
        try (Model m = model.load()) {
            if (ctxSize > m.config().contextLength()) {
                throw new ParameterException(spec.commandLine(), "--ctx-size " + ctxSize + " exceeds the model's context of " + m.config().contextLength());
            }
            int[] tokens = m.tokenizer().encode(text, true, false);
            int chunks = tokens.length / ctxSize;
            System.out.printf(Locale.ROOT, "tokenized %d tokens; %d chunks of %d, batch %d%n", tokens.length, chunks, ctxSize, Math.min(batchSize, ctxSize));
            long t0 = System.nanoTime();
            Perplexity.Result r;
            try {
                r = Perplexity.compute(m.transformer(), tokens, ctxSize, Math.min(batchSize, ctxSize), m.tokenizer().bosId(), m.tokenizer().addsBos(),
                        p -> {
                            System.out.printf(Locale.ROOT, "[%d/%d] %.4f (%.1f s)%n", p.chunk(), p.chunks(), p.ppl(), (System.nanoTime() - t0) / 1e9);
                            System.out.flush();
                        });
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
            System.out.printf(Locale.ROOT, "Final estimate: PPL = %.4f +/- %.5f%n", r.ppl(), r.error());
        }
        return 0;
    }
}
