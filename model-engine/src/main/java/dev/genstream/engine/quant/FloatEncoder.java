package dev.genstream.engine.quant;

import dev.genstream.engine.gguf.GgmlType;

/** F32 as is, F16 rounded to nearest even, BF16 as ggml rounds it (nearest even; NaN kept quiet). */
final class FloatEncoder implements Quantizer {
    private final GgmlType type;

    FloatEncoder(GgmlType type) {
        this.type = type;
    }

    @Override
    public GgmlType type() {
        return type;
    }

    @Override
    public void quantize(float[] src, int srcOff, int n, byte[] dst, int dstOff) {
        for (int i = 0; i < n; i++) {
            float v = src[srcOff + i];
            switch (type) {
                case F32 -> Bytes.i32(dst, dstOff + 4 * i, Float.floatToRawIntBits(v));
                case F16 -> Bytes.f16(dst, dstOff + 2 * i, v);
                default -> Bytes.i16(dst, dstOff + 2 * i, bf16(v));
            }
        }
    }

    static int bf16(float v) {
        int u = Float.floatToRawIntBits(v);
        if ((u & 0x7fffffff) > 0x7f800000) return (u >>> 16) | 64;
        return (u + (0x7fff + ((u >>> 16) & 1))) >>> 16;
    }
}
