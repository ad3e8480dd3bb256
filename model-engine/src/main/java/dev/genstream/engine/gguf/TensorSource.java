package dev.genstream.engine.gguf;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Where a model's weights come from, in the engine's one vocabulary: metadata under GGUF keys and tensors under
 * GGUF names and dimension order, each a read-only view of mapped memory. A GGUF file is one; an HF checkpoint
 * directory presents itself as one (package {@code safetensors}). Closing unmaps everything.
 */
public interface TensorSource extends AutoCloseable {
    /** The file or directory the model was opened from. */
    Path path();

    /** The files whose bytes make up the model (weights, config, tokenizer), in a fixed order. */
    List<Path> files();

    GgufMetadata metadata();

    Map<String, GgufTensor> tensors();

    /**
     * Whether q and k rows keep HF's rotate-half order. llama.cpp's converter permutes llama's into adjacent pairs; a
     * source that does not must be rotated by halves (the same rotation of the same values, so the same logits).
     */
    default boolean ropeHalves() {
        return false;
    }

    default boolean hasTensor(String name) {
        return tensors().containsKey(name);
    }

    /** The named tensor; a missing one is a format error naming the source. */
    default GgufTensor tensor(String name) {
        GgufTensor t = tensors().get(name);
        if (t == null) throw new GgufFormatException(path().getFileName() + ": missing tensor " + name);
        return t;
    }

    @Override
    void close();
}
