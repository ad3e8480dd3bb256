package dev.genstream.app.cli;

import dev.genstream.engine.gguf.GgmlType;
import dev.genstream.engine.gguf.TensorSource;
import dev.genstream.engine.model.Model;
import dev.genstream.engine.model.ModelFiles;
import dev.genstream.engine.quant.QuantizedSource;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** --model, --threads and --quantize, shared by every command that loads a model. The bundled demo model is the default. */
public final class ModelOptions {
    public static final String BUNDLED_MODEL = "models/kjv-llama-6m.q8_0.gguf";

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = {"-m", "--model"}, paramLabel = "PATH",
            description = "GGUF model file or HF checkpoint directory (default: the bundled ${sys:genstream.home:-.}/" + BUNDLED_MODEL + ")")
    Path model;

    @Option(names = {"-t", "--threads"}, paramLabel = "N", description = "Kernel threads, at most the core count (default: all cores)")
    Integer threads;

    @Option(names = "--quantize", paramLabel = "TYPE",
            description = "Quantize float weights while loading: q8_0 or q4_0 (as llama-quantize, no importance matrix)")
    String quantize;

    public Path path() {
        Path p = model != null ? model : Path.of(System.getProperty("genstream.home", ".")).resolve(BUNDLED_MODEL);
        String missing = ModelFiles.missing(p);
        if (missing != null) throw new ParameterException(spec.commandLine(), missing);
        return p;
    }

    /** For a command that hands the path on instead of loading it (demo's service), where --quantize cannot apply. */
    public Path pathWithoutQuantizing() {
        if (quantize != null) {
            throw new ParameterException(spec.commandLine(), "--quantize is not available for " + spec.commandLine().getCommandName());
        }
        return path();
    }

    /** The kernel threads: --threads, at most the core count (more only time-slice the same cores). */
    public int threads() {
        int cores = Runtime.getRuntime().availableProcessors();
        int n = threads != null ? threads : cores;
        if (n < 1) throw new ParameterException(spec.commandLine(), "--threads must be at least 1, got " + n);
        if (n > cores) {
            if (!warned) System.err.printf("genstream: warning: --threads %d is more than the %d core(s) here; using %d%n", n, cores, cores);
            warned = true;
            return cores;
        }
        return n;
    }

    private boolean warned;

    public Model load() {
        return Model.load(open(), threads(), 0);
    }

    /** The model's files, quantized first when --quantize asks (with one line on stderr saying how long it took). */
    public TensorSource open() {
        GgmlType type = switch (quantize == null ? "" : quantize.toLowerCase(Locale.ROOT)) {
            case "" -> null;
            case "q8_0" -> GgmlType.Q8_0;
            case "q4_0" -> GgmlType.Q4_0;
            default -> throw new ParameterException(spec.commandLine(), "--quantize must be q8_0 or q4_0, got " + quantize);
        };
        Path p = path();
        if (type == null) return ModelFiles.open(p);
        long t0 = System.nanoTime();
        TensorSource q = QuantizedSource.of(ModelFiles.open(p), type);
        System.err.printf("[quantize] %s to %s at load in %.2f s%n", p.getFileName(), quantize.toLowerCase(Locale.ROOT), (System.nanoTime() - t0) / 1e9);
        return q;
    }
}
