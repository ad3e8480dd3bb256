package dev.genstream.engine.quant;

import dev.genstream.engine.gguf.GgmlType;

/** Q8_0: per 32 values, d = amax/127 (f16) and q = round(x/d) as int8 (quantize_row_q8_0_ref). */
final class Q8_0Quantizer implements Quantizer {
    @Override
    public GgmlType type() {
        return GgmlType.Q8_0;
    }

    @Override
    public void quantize(float[] src, int srcOff, int n, byte[] dst, int dstOff) {
        Quantizer.checkBlocks(type(), n);
        for (int b = 0; b < n / 32; b++) {
            int x = srcOff + 32 * b, y = dstOff + 34 * b;
            float amax = 0;
            for (int j = 0; j < 32; j++) amax = Math.max(amax, Math.abs(src[x + j]));
            float d = amax / 127;
            float id = d != 0 ? 1.0f / d : 0.0f;
            Bytes.f16(dst, y, d);
            for (int j = 0; j < 32; j++) dst[y + 2 + j] = (byte) Bytes.roundf(src[x + j] * id);
        }
    }
}
