package dev.genstream.engine.model;

import dev.genstream.engine.gguf.GgufFile;
import dev.genstream.engine.kernels.Parallel;
import dev.genstream.engine.tokenizer.Tokenizer;
import java.nio.file.Path;

/** A loaded model: its mapped file, hyperparameters, tokenizer, weights and forward pass. Closing unmaps the file. */
public final class Model implements AutoCloseable {
    private final GgufFile file;
    private final ModelConfig config;
    private final Transformer transformer;
    private final Parallel parallel;
    private final Tokenizer tokenizer;

    private Model(GgufFile file, ModelConfig config, Tokenizer tokenizer, Transformer transformer, Parallel parallel) {
        this.file = file;
        this.config = config;
        this.tokenizer = tokenizer;
        this.transformer = transformer;
        this.parallel = parallel;
    }

    /** Loads a GGUF model, computing on {@code threads} kernel threads. */
    public static Model load(Path path, int threads) {
        GgufFile file = GgufFile.open(path);
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

    public GgufFile file() {
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

    @Override
    public void close() {
        parallel.close();
        file.close();
    }
}
