package dev.genstream.app.cli;

import dev.genstream.engine.gguf.TensorSource;
import dev.genstream.engine.model.ModelFiles;
import dev.genstream.engine.model.ContextSizeException;
import dev.genstream.engine.model.KvType;
import dev.genstream.engine.model.Model;
import dev.genstream.engine.model.ModelConfig;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * --ctx-size and --kv-type, for the commands that run the model. As llama.cpp: a RoPE model may run past its trained context
 * (one warning line); learned positions cannot, which is a one-line error.
 */
public final class ContextOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    /** As llama.cpp's default n_ctx, and the service's genstream.context.size. */
    static final int DEFAULT_CAP = 4096;

    @Option(names = {"-c", "--ctx-size"}, paramLabel = "N",
            description = "Context size in tokens (default: the model's trained context, at most " + DEFAULT_CAP + ")")
    Integer ctxSize;

    @Option(names = "--kv-type", paramLabel = "f32|f16", defaultValue = "f32",
            description = "KV cache storage: f32 (default) or f16 (half the memory, within F32's accuracy bound)")
    String kvType;

    /** The --kv-type choice; a bad value is a one-line error naming the flag. */
    public KvType kvType() {
        try {
            return KvType.parse(kvType);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--kv-type must be f32 or f16, got '" + kvType + "'");
        }
    }

    /** Loads the model for the requested context size; warns on stderr when it exceeds the trained context. */
    public Model load(ModelOptions model) {
        if (ctxSize != null && ctxSize < 1) throw new ParameterException(spec.commandLine(), "--ctx-size must be at least 1, got " + ctxSize);
        Model m;
        try {
            KvType kv = kvType();
            m = Model.load(model.open(), model.threads(), ctxSize == null ? defaultSize(model.path()) : ctxSize, kv);
        } catch (ContextSizeException e) {
            throw new ParameterException(spec.commandLine(), "--ctx-size " + ctxSize + ": " + e.getMessage());
        }
        if (m.beyondTrainedContext()) {
            System.err.printf("warning: context size %d exceeds the %d tokens this model was trained on; its output past them may degrade%n",
                    m.contextSize(), m.config().contextLength());
        }
        return m;
    }

    private static int defaultSize(Path path) {
        try (TensorSource file = ModelFiles.open(path)) {
            return Math.min(ModelConfig.from(file).contextLength(), DEFAULT_CAP);
        }
    }
}
