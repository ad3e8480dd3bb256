package dev.genstream.engine.quant;

import dev.genstream.engine.gguf.GgmlType;

/**
 * Encodes float values as ggml blocks, laid out byte for byte as ggml's, by the reference (no importance matrix)
 * method of ggml's {@code quantize_row_*_ref}. One call encodes a whole number of blocks; rows are independent.
 */
public interface Quantizer {
    GgmlType type();

    /** Encodes src[srcOff .. srcOff+n) into dst from dstOff; n must be a multiple of the type's block size. */
    void quantize(float[] src, int srcOff, int n, byte[] dst, int dstOff);

    default byte[] quantize(float[] src) {
        byte[] dst = new byte[Math.toIntExact(type().bytesFor(src.length))];
        quantize(src, 0, src.length, dst, 0);
        return dst;
    }

    /** The types this package can write: F32, F16, BF16, Q8_0, Q4_0, Q4_K, Q6_K. */
    static Quantizer of(GgmlType type) {
        return switch (type) {
            case F32, F16, BF16 -> new FloatEncoder(type);
            case Q8_0 -> new Q8_0Quantizer();
            case Q4_0 -> new Q4_0Quantizer();
            case Q4_K -> new Q4_KQuantizer();
            case Q6_K -> new Q6_KQuantizer();
            default -> throw new IllegalArgumentException("no quantizer for " + type
                    + " (supported: F32, F16, BF16, Q8_0, Q4_0, Q4_K, Q6_K)");
        };
    }

    static void checkBlocks(GgmlType type, int n) {
        if (n % type.blockSize != 0) {
            throw new IllegalArgumentException(type + " encodes whole blocks of " + type.blockSize + " values, got " + n);
        }
    }
}
