package dev.genstream.app.cli;

import dev.genstream.engine.model.Model;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** --model and --threads, shared by every command that loads a model. The bundled demo model is the default. */
public final class ModelOptions {
    public static final String BUNDLED_MODEL = "models/kjv-llama-6m.q8_0.gguf";

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = {"-m", "--model"}, paramLabel = "FILE",
            description = "GGUF model file (default: the bundled ${sys:genstream.home:-.}/" + BUNDLED_MODEL + ")")
    Path model;

    @Option(names = {"-t", "--threads"}, paramLabel = "N", description = "Kernel threads, at most the core count (default: all cores)")
    Integer threads;

    public Path path() {
        Path p = model != null ? model : Path.of(System.getProperty("genstream.home", ".")).resolve(BUNDLED_MODEL);
        if (!Files.isRegularFile(p)) {
            throw new ParameterException(spec.commandLine(), "model file not found: " + p);
        }
        return p;
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
        return Model.load(path(), threads());
    }
}
