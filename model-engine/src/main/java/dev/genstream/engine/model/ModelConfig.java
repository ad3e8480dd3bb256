package dev.genstream.engine.model;

import dev.genstream.engine.gguf.GgufMetadata;
import dev.genstream.engine.gguf.TensorSource;

/**
 * Hyperparameters, read from the {@code <arch>.*} GGUF keys.
 *
 * @param slidingWindow      keys a local layer's query at i sees: j with i - j < slidingWindow (0: none)
 * @param ropeThetaLocal     RoPE base of local (sliding-window) layers (gemma3's {@code rope.freq_base_swa})
 * @param ropeFreqScale      linear RoPE scaling of global layers: positions times this (1 / {@code rope.scaling.factor})
 * @param ropeOriginalContext LongRoPE: the context up to which the short factors apply (0: none)
 * @param ropeAttnFactor     LongRoPE's magnitude scale of cos and sin ({@code rope.scaling.attn_factor})
 * @param attnSoftcap        attention scores become cap·tanh(score/cap) (0: none)
 * @param finalSoftcap       the same on the output logits
 * @param attentionScale     the factor on q·k
 */
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
        int ropeDim,
        int slidingWindow,
        float ropeThetaLocal,
        float ropeFreqScale,
        int ropeOriginalContext,
        float ropeAttnFactor,
        float attnSoftcap,
        float finalSoftcap,
        float attentionScale) {

    /** A model with none of the later families' options: no window, plain RoPE, no soft-caps. */
    public ModelConfig(Architecture arch, int dim, int layers, int heads, int kvHeads, int headDim, int ffnDim,
                       int vocabSize, int contextLength, float normEps, float ropeTheta, int ropeDim) {
        this(arch, dim, layers, heads, kvHeads, headDim, ffnDim, vocabSize, contextLength, normEps, ropeTheta, ropeDim,
                0, ropeTheta, 1f, 0, 1f, 0f, 0f, (float) (1.0 / Math.sqrt(headDim)));
    }

    public int qDim() {
        return heads * headDim;
    }

    public int kvDim() {
        return kvHeads * headDim;
    }

    /** Whether layer {@code il} attends only within the sliding window. */
    public boolean slidingLayer(int il) {
        return slidingWindow > 0 && arch.slidingLayer(il);
    }

    public static ModelConfig from(TensorSource file) {
        GgufMetadata md = file.metadata();
        Architecture arch = Architecture.of(md.getString("general.architecture"));
        if (file.ropeHalves()) arch = arch.rotatingHalves();
        String p = arch.name() + ".";
        int dim = md.getInt(p + "embedding_length");
        int layers = md.getInt(p + "block_count");
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
        float theta = md.getFloat(p + "rope.freq_base", 10000f);
        // gemma3 files written before freq_base_swa existed relied on llama.cpp's built-in 1e4 for local layers.
        float thetaLocal = md.getFloat(p + "rope.freq_base_swa", arch.name().equals("gemma3") ? 10000f : theta);
        float freqScale = "linear".equals(md.getString(p + "rope.scaling.type", "none"))
                ? 1f / md.getFloat(p + "rope.scaling.factor", 1f) : 1f;
        // gemma2 files without the key get Gemma 2's 4096, as llama.cpp gives them.
        int window = arch.slidingPattern() == 0 ? 0
                : md.getInt(p + "attention.sliding_window", arch.name().equals("gemma2") ? 4096 : 0);
        // As llama.cpp: the 27B gemmas scale q·k by 1/√(hidden/heads), the others by 1/√head_dim.
        boolean gemma27b = (arch.name().equals("gemma2") && layers == 46) || (arch.name().equals("gemma3") && layers == 62);
        float scale = (float) (1.0 / Math.sqrt(gemma27b ? (double) dim / heads : headDim));
        return new ModelConfig(arch, dim, layers, heads, kvHeads, headDim,
                md.getInt(p + "feed_forward_length"),
                vocab,
                md.getInt(p + "context_length"),
                eps,
                theta,
                md.getInt(p + "rope.dimension_count", headDim),
                window,
                thetaLocal,
                freqScale,
                file.hasTensor("rope_factors_long.weight") ? md.getInt(p + "rope.scaling.original_context_length") : 0,
                md.getFloat(p + "rope.scaling.attn_factor", 1f),
                md.getFloat(p + "attn_logit_softcapping", 0f),
                md.getFloat(p + "final_logit_softcapping", 0f),
                scale);
    }
}
