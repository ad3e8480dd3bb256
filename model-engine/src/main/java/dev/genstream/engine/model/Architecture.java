package dev.genstream.engine.model;

import dev.genstream.engine.kernels.Rope;

/**
 * What distinguishes one decoder family from another, as a few named choices. The forward pass is shared;
 * biases are used wherever the file has them, so they need no flag.
 */
public record Architecture(String name, Norm norm, Positions positions, Ffn ffn, boolean fusedQkv) {
    public enum Norm { RMS, LAYER }

    /** How a token learns its position: rotary in one of two layouts, or a learned table added to the input. */
    public enum Positions {
        ROPE_NORM, ROPE_NEOX, LEARNED;

        Rope.Layout ropeLayout() {
            return this == ROPE_NEOX ? Rope.Layout.NEOX : Rope.Layout.NORM;
        }
    }

    /** SWIGLU: down(silu(gate(x)) * up(x)); GELU: down(gelu(up(x))). */
    public enum Ffn { SWIGLU, GELU }

    /** The same family with q/k rows in rotate-half order (as HF stores them): pairs rotate as NEOX's halves. */
    public Architecture rotatingHalves() {
        return positions == Positions.ROPE_NORM ? new Architecture(name, norm, Positions.ROPE_NEOX, ffn, fusedQkv) : this;
    }

    public static Architecture of(String name) {
        return switch (name) {
            case "llama" -> new Architecture(name, Norm.RMS, Positions.ROPE_NORM, Ffn.SWIGLU, false);
            case "qwen2" -> new Architecture(name, Norm.RMS, Positions.ROPE_NEOX, Ffn.SWIGLU, false);
            case "gpt2" -> new Architecture(name, Norm.LAYER, Positions.LEARNED, Ffn.GELU, true);
            default -> throw new UnsupportedModelException("architecture '" + name
                    + "' is not supported (supported: llama, qwen2, gpt2)");
        };
    }
}
