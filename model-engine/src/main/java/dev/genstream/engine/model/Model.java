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

    /** Loads a GGUF file or an HF checkpoint directory, computing on {@code threads} kernel threads. */
    public static Model load(Path path, int threads) {
        TensorSource file = ModelFiles.open(path);
        Parallel parallel = null;
        try {
            ModelConfig config = ModelConfig.from(file);
            Weights weights = Weights.load(file, config);
            Tokenizer tokenizer = Tokenizer.fromGguf(file.metadata());
            parallel = new Parallel(threads);
            return new Model(file, config, tokenizer, new Transformer(config, weights, parallel), parallel);
        } catch (RuntimeException e) {
            if (parallel != null) parallel.close();
            file.close();
            throw e;
        }
    }

    /** The model's metadata and tensors, under GGUF keys and names whatever the format. */
    public TensorSource file() {
        return file;
    }

    /** The chat template the model ships ({@code tokenizer.chat_template}), or null. */
    public String chatTemplate() {
        return file.metadata().getString("tokenizer.chat_template", null);
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

    @Override
    public void close() {
        parallel.close();
        file.close();
    }
}
