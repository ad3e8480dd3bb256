package dev.genstream.app.cli;

import dev.genstream.engine.gguf.GgmlType;
import dev.genstream.engine.gguf.GgufFile;
import dev.genstream.engine.gguf.GgufWriter;
import dev.genstream.engine.synth.Preset;
import dev.genstream.engine.synth.Synthesizer;
import dev.genstream.engine.synth.TensorSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "synth", description = {
        "Write a random-weight model of a real model's exact shape as GGUF, streamed to disk tensor by tensor.",
        "The vocabulary is the bundled model's, padded with <|filler_N|> control tokens to the preset's size."})
public final class SynthCommand implements Callable<Integer> {
    static final List<String> TYPES = List.of("f32", "f16", "bf16", "q8_0", "q4_0", "q4_k", "q6_k");

    @Spec
    CommandSpec spec;

    @Option(names = "--preset", required = true, paramLabel = "NAME", description = "llama3.2-1b, qwen2.5-0.5b, smollm2-135m, qwen3-0.6b, gemma3-1b, phi4-mini or tiny")
    String preset;

    @Option(names = "--type", required = true, paramLabel = "TYPE", description = "Matrix type: f32, f16, bf16, q8_0, q4_0, q4_k or q6_k")
    String type;

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "FILE.gguf", description = "Output file")
    Path out;

    @Option(names = {"-s", "--seed"}, paramLabel = "S", defaultValue = "42", description = "Seed of the random weights (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--vocab-from", paramLabel = "FILE", description = "GGUF whose BPE vocabulary to borrow (default: the bundled model)")
    Path vocabFrom;

    @Override
    public Integer call() throws IOException {
        Preset p;
        try {
            p = Preset.named(preset);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        if (!TYPES.contains(type.toLowerCase(Locale.ROOT))) {
            throw new ParameterException(spec.commandLine(), "unknown --type '" + type + "' (known: " + String.join(", ", TYPES) + ")");
        }
        GgmlType t = GgmlType.valueOf(type.toUpperCase(Locale.ROOT));
        Path vocab = vocabFrom != null ? vocabFrom : Path.of(System.getProperty("genstream.home", ".")).resolve(ModelOptions.BUNDLED_MODEL);
        if (!Files.isRegularFile(vocab)) throw new ParameterException(spec.commandLine(), "vocabulary file not found: " + vocab);
        long params = TensorSpec.parameters(TensorSpec.plan(p, t));
        long start = System.nanoTime();
        GgufWriter writer;
        try (GgufFile source = GgufFile.open(vocab)) {
            writer = Synthesizer.writer(p, t, seed, source.metadata());
        }
        double totalMb = writer.fileSize() / 1e6;
        writer.onProgress((i, n, name, bytes) -> System.err.printf("[synth] tensor %d/%d %-28s %8.1f / %.1f MB%n", i + 1, n, name, bytes / 1e6, totalMb));
        writer.write(out);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.err.printf("wrote %s: %s %s, %,d parameters, %.1f MB in %.1f s (seed %d)%n",
                out, p.name(), type.toLowerCase(Locale.ROOT), params, Files.size(out) / 1e6, seconds, seed);
        return 0;
    }
}
