package dev.genstream.engine.model;

import dev.genstream.engine.kernels.Rope;

/**
 * What distinguishes one decoder family from another, as a few named choices. The forward pass is shared;
 * biases, per-head q/k norms and post-norms (gemma's norm after attention and after the FFN) are used wherever
 * the file has them, so they need no flag.
 *
 * @param fusedGateUp     one {@code ffn_up} matrix holding the gate rows, then the up rows (phi3)
 * @param scaledEmbeddings input embeddings multiplied by √hidden (gemma)
 * @param slidingPattern  with a sliding window, layer {@code il} is local when {@code il % slidingPattern < slidingPattern - 1}
 *                        (gemma2: every other layer, 2; gemma3: five of six, 6); 0 means every layer is global
 */
public record Architecture(String name, Norm norm, Positions positions, Ffn ffn, boolean fusedQkv,
                           boolean fusedGateUp, boolean scaledEmbeddings, int slidingPattern) {
    public enum Norm { RMS, LAYER }

    /** How a token learns its position: rotary in one of two layouts, or a learned table added to the input. */
    public enum Positions {
        ROPE_NORM, ROPE_NEOX, LEARNED;

        Rope.Layout ropeLayout() {
            return this == ROPE_NEOX ? Rope.Layout.NEOX : Rope.Layout.NORM;
        }
    }

    /** SWIGLU: down(silu(gate(x)) * up(x)); GEGLU: down(gelu(gate(x)) * up(x)); GELU: down(gelu(up(x))). */
    public enum Ffn { SWIGLU, GEGLU, GELU }

    public Architecture(String name, Norm norm, Positions positions, Ffn ffn, boolean fusedQkv) {
        this(name, norm, positions, ffn, fusedQkv, false, false, 0);
    }

    /** Whether layer {@code il} attends only within the sliding window (when the model has one). */
    public boolean slidingLayer(int il) {
        return slidingPattern > 0 && il % slidingPattern < slidingPattern - 1;
    }

    /** The same family with q/k rows in rotate-half order (as HF stores them): pairs rotate as NEOX's halves. */
    public Architecture rotatingHalves() {
        return positions != Positions.ROPE_NORM ? this
                : new Architecture(name, norm, Positions.ROPE_NEOX, ffn, fusedQkv, fusedGateUp, scaledEmbeddings, slidingPattern);
    }

    public static Architecture of(String name) {
        return switch (name) {
            case "llama" -> new Architecture(name, Norm.RMS, Positions.ROPE_NORM, Ffn.SWIGLU, false);
            case "qwen2", "qwen3" -> new Architecture(name, Norm.RMS, Positions.ROPE_NEOX, Ffn.SWIGLU, false);
            case "gpt2" -> new Architecture(name, Norm.LAYER, Positions.LEARNED, Ffn.GELU, true);
            case "gemma2" -> new Architecture(name, Norm.RMS, Positions.ROPE_NEOX, Ffn.GEGLU, false, false, true, 2);
            case "gemma3" -> new Architecture(name, Norm.RMS, Positions.ROPE_NEOX, Ffn.GEGLU, false, false, true, 6);
            // llama.cpp ignores phi3's sliding_window (its converters wrote wrong values), so every layer is global.
            case "phi3" -> new Architecture(name, Norm.RMS, Positions.ROPE_NEOX, Ffn.SWIGLU, true, true, false, 0);
            default -> throw new UnsupportedModelException("architecture '" + name
                    + "' is not supported (supported: llama, qwen2, qwen3, gemma2, gemma3, phi3, gpt2)");
        };
    }
}
