package dev.genstream.engine.quant;

import dev.genstream.engine.gguf.GgmlType;
import dev.genstream.engine.kernels.Ops;

/**
 * Q4_0: per 32 values, d = max/-8 where max is the value of largest magnitude, so that value lands exactly on
 * q = 0; the rest are x/d + 8 truncated and capped at 15 (quantize_row_q4_0_ref).
 */
final class Q4_0Quantizer implements Quantizer {
    @Override
    public GgmlType type() {
        return GgmlType.Q4_0;
    }

    @Override
    public void quantize(float[] src, int srcOff, int n, byte[] dst, int dstOff) {
        Quantizer.checkBlocks(type(), n);
        for (int b = 0; b < n / 32; b++) {
            int x = srcOff + 32 * b, y = dstOff + 18 * b;
            float d = Ops.maxByMagnitude(src, x, 32) / -8;
            float id = d != 0 ? 1.0f / d : 0.0f;
            Bytes.f16(dst, y, d);
            for (int j = 0; j < 16; j++) {
                int q0 = Math.min(15, (int) (src[x + j] * id + 8.5f));
                int q1 = Math.min(15, (int) (src[x + 16 + j] * id + 8.5f));
                dst[y + 2 + j] = (byte) (q0 | (q1 << 4));
            }
        }
    }
}
