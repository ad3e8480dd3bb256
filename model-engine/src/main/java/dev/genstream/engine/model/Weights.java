package dev.genstream.engine.model;

import dev.genstream.engine.gguf.GgmlType;
import dev.genstream.engine.gguf.GgufFormatException;
import dev.genstream.engine.gguf.GgufTensor;
import dev.genstream.engine.gguf.TensorSource;
import dev.genstream.engine.kernels.WeightMatrix;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The tensors of a model. Matrices stay views of the mapped file; the small vectors (norms, biases) are
 * copied to float arrays. A missing optional tensor is null.
 */
public record Weights(
        WeightMatrix tokenEmbedding,
        WeightMatrix positionEmbedding,
        Layer[] layers,
        NormWeights outputNorm,
        WeightMatrix output,
        float[] ropeFreqFactors,
        float[] ropeFactorsLong) {

    /** A model without LongRoPE: {@code ropeFreqFactors} (Llama-3's {@code rope_freqs}, or none) apply at any context. */
    public Weights(WeightMatrix tokenEmbedding, WeightMatrix positionEmbedding, Layer[] layers, NormWeights outputNorm,
                   WeightMatrix output, float[] ropeFreqFactors) {
        this(tokenEmbedding, positionEmbedding, layers, outputNorm, output, ropeFreqFactors, null);
    }

    /**
     * Scale and (LayerNorm only) shift of one normalization. {@code ropeFreqFactors} are Llama-3's {@code rope_freqs}
     * or LongRoPE's short factors; {@code ropeFactorsLong} are LongRoPE's long ones, for contexts past the original.
     */
    public record NormWeights(float[] weight, float[] bias) {}

    public record Layer(
            NormWeights attnNorm,
            WeightMatrix wq, float[] bq,
            WeightMatrix wk, float[] bk,
            WeightMatrix wv, float[] bv,
            WeightMatrix wqkv, float[] bqkv,
            float[] qNorm, float[] kNorm,
            WeightMatrix wo, float[] bo,
            NormWeights postAttnNorm,
            NormWeights ffnNorm,
            WeightMatrix wGate, float[] bGate,
            WeightMatrix wUp, float[] bUp,
            WeightMatrix wDown, float[] bDown,
            NormWeights postFfnNorm) {}

    public static Weights load(TensorSource f, ModelConfig c) {
        Layer[] layers = new Layer[c.layers()];
        for (int i = 0; i < c.layers(); i++) {
            String b = "blk." + i + ".";
            boolean fused = c.arch().fusedQkv();
            boolean gated = c.arch().ffn() != Architecture.Ffn.GELU, fusedUp = c.arch().fusedGateUp();
            int upRows = fusedUp ? 2 * c.ffnDim() : c.ffnDim();
            layers[i] = new Layer(
                    norm(f, b + "attn_norm", c.dim()),
                    fused ? null : matrix(f, b + "attn_q.weight", c.qDim(), c.dim()), vector(f, b + "attn_q.bias", c.qDim()),
                    fused ? null : matrix(f, b + "attn_k.weight", c.kvDim(), c.dim()), vector(f, b + "attn_k.bias", c.kvDim()),
                    fused ? null : matrix(f, b + "attn_v.weight", c.kvDim(), c.dim()), vector(f, b + "attn_v.bias", c.kvDim()),
                    fused ? matrix(f, b + "attn_qkv.weight", c.qDim() + 2 * c.kvDim(), c.dim()) : null,
                    vector(f, b + "attn_qkv.bias", c.qDim() + 2 * c.kvDim()),
                    vector(f, b + "attn_q_norm.weight", c.headDim()), vector(f, b + "attn_k_norm.weight", c.headDim()),
                    matrix(f, b + "attn_output.weight", c.dim(), c.qDim()), vector(f, b + "attn_output.bias", c.dim()),
                    optionalNorm(f, b + "post_attention_norm", c.dim()),
                    norm(f, b + "ffn_norm", c.dim()),
                    gated && !fusedUp ? matrix(f, b + "ffn_gate.weight", c.ffnDim(), c.dim()) : null,
                    vector(f, b + "ffn_gate.bias", c.ffnDim()),
                    matrix(f, b + "ffn_up.weight", upRows, c.dim()), vector(f, b + "ffn_up.bias", upRows),
                    matrix(f, b + "ffn_down.weight", c.dim(), c.ffnDim()), vector(f, b + "ffn_down.bias", c.dim()),
                    optionalNorm(f, b + "post_ffw_norm", c.dim()));
        }
        WeightMatrix embedding = matrix(f, "token_embd.weight", c.vocabSize(), c.dim());
        WeightMatrix output = f.hasTensor("output.weight") ? matrix(f, "output.weight", c.vocabSize(), c.dim()) : embedding;
        WeightMatrix positions = c.arch().positions() == Architecture.Positions.LEARNED
                ? matrix(f, "position_embd.weight", -1, c.dim()) : null;
        float[] ropeFreqs = f.hasTensor("rope_freqs.weight") ? vector(f, "rope_freqs.weight", c.ropeDim() / 2)
                : vector(f, "rope_factors_short.weight", c.ropeDim() / 2);
        return new Weights(embedding, positions, layers, norm(f, "output_norm", c.dim()), output, ropeFreqs,
                vector(f, "rope_factors_long.weight", c.ropeDim() / 2));
    }

    /** Bytes of matrices one decode step reads: every layer's and the output's (one embedding row is negligible). */
    public long bytesPerToken() {
        long sum = output.byteSize();
        for (Layer l : layers) {
            for (WeightMatrix m : new WeightMatrix[] {l.wq, l.wk, l.wv, l.wqkv, l.wo, l.wGate, l.wUp, l.wDown}) {
                if (m != null) sum += m.byteSize();
            }
        }
        return sum;
    }

    private static WeightMatrix matrix(TensorSource f, String name, int rows, int cols) {
        WeightMatrix m = WeightMatrix.of(f.tensor(name));
        if ((rows >= 0 && m.rows() != rows) || m.cols() != cols) {
            throw new GgufFormatException(name + " is [" + m.rows() + " x " + m.cols() + "], expected ["
                    + (rows < 0 ? "?" : rows) + " x " + cols + "]");
        }
        return m;
    }

    private static NormWeights norm(TensorSource f, String prefix, int n) {
        float[] w = vector(f, prefix + ".weight", n);
        if (w == null) throw new GgufFormatException("missing tensor " + prefix + ".weight");
        return new NormWeights(w, vector(f, prefix + ".bias", n));
    }

    private static NormWeights optionalNorm(TensorSource f, String prefix, int n) {
        return f.hasTensor(prefix + ".weight") ? norm(f, prefix, n) : null;
    }

    /** An optional small F32 vector, copied out of the mapping; null when the file has no such tensor. */
    private static float[] vector(TensorSource f, String name, int n) {
        if (!f.hasTensor(name)) return null;
        GgufTensor t = f.tensor(name);
        if (t.elements() != n) throw new GgufFormatException(name + " has " + t.elements() + " values, expected " + n);
        if (t.type() == GgmlType.F32) {
            return t.data().toArray(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN));
        }
        float[] v = new float[n];
        WeightMatrix.of(t).readRow(0, v, 0);
        return v;
    }
}
