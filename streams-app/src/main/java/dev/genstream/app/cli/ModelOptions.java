package dev.genstream.app.cli;

import dev.genstream.engine.model.Model;
import dev.genstream.engine.model.ModelFiles;
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

    @Option(names = {"-m", "--model"}, paramLabel = "PATH",
            description = "GGUF model file or HF checkpoint directory (default: the bundled ${sys:genstream.home:-.}/" + BUNDLED_MODEL + ")")
    Path model;

    @Option(names = {"-t", "--threads"}, paramLabel = "N", description = "Kernel threads (default: all cores)")
    Integer threads;

    public Path path() {
        Path p = model != null ? model : Path.of(System.getProperty("genstream.home", ".")).resolve(BUNDLED_MODEL);
        String missing = ModelFiles.missing(p);
        if (missing != null) throw new ParameterException(spec.commandLine(), missing);
        return p;
    }

    public int threads() {
        int n = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        if (n < 1) throw new ParameterException(spec.commandLine(), "--threads must be at least 1, got " + n);
        return n;
    }

    public Model load() {
        return Model.load(path(), threads());
    }
}
