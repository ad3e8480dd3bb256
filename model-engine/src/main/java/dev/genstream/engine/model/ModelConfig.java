package dev.genstream.engine.model;

import dev.genstream.engine.gguf.GgufMetadata;
import dev.genstream.engine.gguf.TensorSource;

/** Hyperparameters, read from the {@code <arch>.*} GGUF keys. */
public record ModelConfig(
        Architecture arch,
        int dim,
        int layers,
        int heads,
        int kvHeads,
        int headDim,
        int ffnDim,
        int vocabSize,
        int contextLength,
        float normEps,
        float ropeTheta,
        int ropeDim) {

    public int qDim() {
        return heads * headDim;
    }

    public int kvDim() {
        return kvHeads * headDim;
    }

    public static ModelConfig from(TensorSource file) {
        GgufMetadata md = file.metadata();
        Architecture arch = Architecture.of(md.getString("general.architecture"));
        if (file.ropeHalves()) arch = arch.rotatingHalves();
        String p = arch.name() + ".";
        int dim = md.getInt(p + "embedding_length");
        int heads = md.getInt(p + "attention.head_count");
        int kvHeads = md.getInt(p + "attention.head_count_kv", heads);
        int headDim = md.getInt(p + "attention.key_length", dim / heads);
        int valueDim = md.getInt(p + "attention.value_length", headDim);
        if (valueDim != headDim) throw new UnsupportedModelException("key_length " + headDim + " != value_length " + valueDim);
        if (heads % kvHeads != 0) throw new UnsupportedModelException(heads + " heads do not group over " + kvHeads + " KV heads");
        float eps = arch.norm() == Architecture.Norm.RMS
                ? md.getFloat(p + "attention.layer_norm_rms_epsilon", 1e-5f)
                : md.getFloat(p + "attention.layer_norm_epsilon", 1e-5f);
        int vocab = md.has(p + "vocab_size") ? md.getInt(p + "vocab_size")
                : file.tensor("token_embd.weight").rows();
        return new ModelConfig(arch, dim,
                md.getInt(p + "block_count"),
                heads, kvHeads, headDim,
                md.getInt(p + "feed_forward_length"),
                vocab,
                md.getInt(p + "context_length"),
                eps,
                md.getFloat(p + "rope.freq_base", 10000f),
                md.getInt(p + "rope.dimension_count", headDim));
    }
}
