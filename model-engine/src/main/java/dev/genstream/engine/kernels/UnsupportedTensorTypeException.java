package dev.genstream.engine.kernels;

import dev.genstream.engine.gguf.GgmlType;

/** A tensor whose ggml type has no kernel in this build. */
public final class UnsupportedTensorTypeException extends RuntimeException {
    public UnsupportedTensorTypeException(String tensor, GgmlType type) {
        super("tensor " + tensor + " has type " + type + ", which genstream cannot compute with yet"
                + " (supported: F32, F16, BF16, Q8_0, Q4_0, Q4_K, Q6_K)");
    }
}
