package dev.genstream.engine.synth;

import dev.genstream.engine.gguf.GgmlType;
import dev.genstream.engine.model.Architecture;
import java.util.ArrayList;
import java.util.List;

/**
 * One tensor of a synthesized model: its llama.cpp name, type, shape ({@code cols} is ggml's ne[0]) and what fills it.
 */
public record TensorSpec(String name, GgmlType type, int rows, int cols, Fill fill) {
    /** Weight matrices and biases ~ N(0, 0.02²); norm scales ~ 1 + N(0, 0.02²); rope_freqs and LongRoPE factors computed. */
    public enum Fill { WEIGHT, NORM, ROPE_FREQS, ROPE_SHORT, ROPE_LONG }

    public long elements() {
        return (long) rows * cols;
    }

    public long[] dims() {
        return rows == 1 ? new long[] {cols} : new long[] {cols, rows};
    }

    /** Trained parameters: every value but rope_freqs, which is computed from the hyperparameters. */
    public static long parameters(List<TensorSpec> plan) {
        return plan.stream().filter(t -> t.fill == Fill.WEIGHT || t.fill == Fill.NORM).mapToLong(TensorSpec::elements).sum();
    }

    /**
     * The tensors of {@code p} with its matrices in {@code type}, named and shaped as llama.cpp loads them. Norms,
     * biases and rope_freqs stay F32; {@code output.weight} is absent because the embedding is tied.
     */
    public static List<TensorSpec> plan(Preset p, GgmlType type) {
        List<TensorSpec> t = new ArrayList<>();
        int d = p.dim(), q = p.heads() * p.headDim(), kv = p.kvDim(), f = p.ffnDim();
        Architecture arch = Architecture.of(p.arch());
        if (p.ropeScaling() != null) t.add(vector("rope_freqs.weight", p.headDim() / 2, Fill.ROPE_FREQS));
        if (p.longRope() > 0) {
            t.add(vector("rope_factors_long.weight", p.ropeDim() / 2, Fill.ROPE_LONG));
            t.add(vector("rope_factors_short.weight", p.ropeDim() / 2, Fill.ROPE_SHORT));
        }
        t.add(matrix("token_embd.weight", type, p.vocabSize(), d));
        for (int i = 0; i < p.layers(); i++) {
            String b = "blk." + i + ".";
            t.add(vector(b + "attn_norm.weight", d, Fill.NORM));
            if (arch.fusedQkv()) {
                t.add(matrix(b + "attn_qkv.weight", type, q + 2 * kv, d));
            } else {
                t.add(matrix(b + "attn_q.weight", type, q, d));
                if (p.qkvBias()) t.add(vector(b + "attn_q.bias", q, Fill.WEIGHT));
                t.add(matrix(b + "attn_k.weight", type, kv, d));
                if (p.qkvBias()) t.add(vector(b + "attn_k.bias", kv, Fill.WEIGHT));
                t.add(matrix(b + "attn_v.weight", type, kv, d));
                if (p.qkvBias()) t.add(vector(b + "attn_v.bias", kv, Fill.WEIGHT));
            }
            if (p.qkNorm()) {
                t.add(vector(b + "attn_q_norm.weight", p.headDim(), Fill.NORM));
                t.add(vector(b + "attn_k_norm.weight", p.headDim(), Fill.NORM));
            }
            t.add(matrix(b + "attn_output.weight", type, d, q));
            if (p.postNorms()) t.add(vector(b + "post_attention_norm.weight", d, Fill.NORM));
            t.add(vector(b + "ffn_norm.weight", d, Fill.NORM));
            if (arch.fusedGateUp()) {
                t.add(matrix(b + "ffn_up.weight", type, 2 * f, d));
            } else {
                t.add(matrix(b + "ffn_gate.weight", type, f, d));
                t.add(matrix(b + "ffn_up.weight", type, f, d));
            }
            t.add(matrix(b + "ffn_down.weight", type, d, f));
            if (p.postNorms()) t.add(vector(b + "post_ffw_norm.weight", d, Fill.NORM));
        }
        t.add(vector("output_norm.weight", d, Fill.NORM));
        return t;
    }

    private static TensorSpec vector(String name, int n, Fill fill) {
        return new TensorSpec(name, GgmlType.F32, 1, n, fill);
    }

    private static TensorSpec matrix(String name, GgmlType type, int rows, int cols) {
        return new TensorSpec(name, rowType(type, cols), rows, cols, Fill.WEIGHT);
    }

    /**
     * A K-quant needs rows of whole 256-blocks. Where a row is shorter, llama.cpp falls back (Q4_K to Q5_0, Q6_K to
     * Q8_0); we use the nearest type we compute with: Q4_0 and Q8_0.
     */
    static GgmlType rowType(GgmlType type, int cols) {
        if (cols % type.blockSize == 0) return type;
        return switch (type) {
            case Q4_K -> GgmlType.Q4_0;
            case Q6_K -> GgmlType.Q8_0;
            default -> throw new IllegalArgumentException(type + " cannot hold rows of " + cols);
        };
    }
}
