package dev.genstream.engine.model;

import dev.genstream.engine.gguf.TensorSource;
import dev.genstream.engine.kernels.Parallel;
import dev.genstream.engine.tokenizer.Tokenizer;
import java.nio.file.Path;

/**
 * A loaded model: its mapped file (a GGUF file or an HF checkpoint directory), hyperparameters, tokenizer, weights and
 * forward pass. Closing unmaps the files.
 */
public final class Model implements AutoCloseable {
    private final TensorSource file;
    private final ModelConfig config;
    private final Transformer transformer;
    private final Parallel parallel;
    private final Tokenizer tokenizer;

    private Model(TensorSource file, ModelConfig config, Tokenizer tokenizer, Transformer transformer, Parallel parallel) {
        this.file = file;
        this.config = config;
        this.tokenizer = tokenizer;
        this.transformer = transformer;
        this.parallel = parallel;
    }

    /** Loads a GGUF file or an HF checkpoint directory, computing on {@code threads} kernel threads, for its trained context size. */
    public static Model load(Path path, int threads) {
        return load(path, threads, 0);
    }

    /** {@link #load(Path, int, int)} with KV caches that store keys and values as {@code kvType}. */
    public static Model load(Path path, int threads, int contextSize, KvType kvType) {
        return load(ModelFiles.open(path), threads, contextSize, kvType);
    }

    /**
     * Loads a GGUF file or an HF checkpoint directory for sequences of up to {@code contextSize} tokens (0: the
     * trained context). A RoPE model may go past its trained context (as llama.cpp, with what quality that gives);
     * learned positions cannot go past their table, which is a {@link ContextSizeException}.
     */
    public static Model load(Path path, int threads, int contextSize) {
        return load(ModelFiles.open(path), threads, contextSize);
    }

    /** {@link #load(Path, int, int)} for an opened source, which the model then owns (and closes on failure). */
    public static Model load(TensorSource file, int threads, int contextSize) {
        return load(file, threads, contextSize, KvType.F32);
    }

    /** {@link #load(TensorSource, int, int)} with KV caches that store keys and values as {@code kvType}. */
    public static Model load(TensorSource file, int threads, int contextSize, KvType kvType) {
        Parallel parallel = null;
        try {
            ModelConfig config = ModelConfig.from(file);
            Weights weights = Weights.load(file, config);
            int ctx = contextSize(config, weights, contextSize);
            Tokenizer tokenizer = Tokenizer.fromGguf(file.metadata());
            parallel = new Parallel(threads);
            return new Model(file, config, tokenizer, new Transformer(config, weights, parallel, ctx, kvType), parallel);
        } catch (RuntimeException e) {
            if (parallel != null) parallel.close();
            file.close();
            throw e;
        }
    }

    /** The requested context size, checked against what the model's positions can express. */
    static int contextSize(ModelConfig config, Weights weights, int requested) {
        if (requested < 0) throw new ContextSizeException("context size must be positive, got " + requested);
        int ctx = requested == 0 ? config.contextLength() : requested;
        if (weights.positionEmbedding() != null && ctx > weights.positionEmbedding().rows()) {
            throw new ContextSizeException("context size " + ctx + " exceeds the " + weights.positionEmbedding().rows()
                    + " learned positions of this " + config.arch().name() + " model");
        }
        return ctx;
    }

    /** The longest sequence this model was loaded for. */
    public int contextSize() {
        return transformer.contextSize();
    }

    /** Whether the context size goes past the trained context (allowed for RoPE models; worth a warning). */
    public boolean beyondTrainedContext() {
        return contextSize() > config.contextLength();
    }

    /** The model's metadata and tensors, under GGUF keys and names whatever the format. */
    public TensorSource file() {
        return file;
    }

    public ModelConfig config() {
        return config;
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    public Transformer transformer() {
        return transformer;
    }

    /** The kernel thread pool; callers may run per-sequence work on it between forward passes (e.g. sampling). */
    public Parallel parallel() {
        return parallel;
    }

    @Override
    public void close() {
        parallel.close();
        file.close();
    }
}
