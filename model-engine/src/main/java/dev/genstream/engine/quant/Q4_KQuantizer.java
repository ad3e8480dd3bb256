package dev.genstream.engine.quant;

import dev.genstream.engine.gguf.GgmlType;

/**
 * Q4_K (quantize_row_q4_K_ref): each 32-value sub-block gets an affine fit x ≈ scale·q - min with q in 0..15,
 * searched over 21 candidate scales by weighted least squares; the eight scales and eight mins are then stored as
 * 6-bit integers against f16 d and dmin, and every value is re-rounded against what it will be read with.
 */
final class Q4_KQuantizer implements Quantizer {
    @Override
    public GgmlType type() {
        return GgmlType.Q4_K;
    }

    @Override
    public void quantize(float[] src, int srcOff, int n, byte[] dst, int dstOff) {
        Quantizer.checkBlocks(type(), n);
        int[] L = new int[256];
        float[] scales = new float[8], mins = new float[8], weights = new float[32];
        for (int b = 0; b < n / 256; b++) {
            int x = srcOff + 256 * b, y = dstOff + 144 * b;
            java.util.Arrays.fill(dst, y, y + 144, (byte) 0);
            float maxScale = 0, maxMin = 0;
            for (int s = 0; s < 8; s++) {
                int xs = x + 32 * s;
                float sumX2 = 0;
                for (int l = 0; l < 32; l++) sumX2 += src[xs + l] * src[xs + l];
                float avX = (float) Math.sqrt(sumX2 / 32);
                for (int l = 0; l < 32; l++) weights[l] = avX + Math.abs(src[xs + l]);
                AffineFit fit = AffineFit.search(src, xs, weights, L, 32 * s);
                scales[s] = fit.scale();
                mins[s] = fit.min();
                maxScale = Math.max(maxScale, scales[s]);
                maxMin = Math.max(maxMin, mins[s]);
            }
            float invScale = maxScale > 0 ? 63f / maxScale : 0f;
            float invMin = maxMin > 0 ? 63f / maxMin : 0f;
            for (int s = 0; s < 8; s++) {
                packScaleMin(dst, y + 4, s, sixBits(invScale * scales[s]), sixBits(invMin * mins[s]));
            }
            Bytes.f16(dst, y, maxScale / 63f);
            Bytes.f16(dst, y + 2, maxMin / 63f);
            float d = Bytes.f16(dst, y), dmin = Bytes.f16(dst, y + 2);
            for (int s = 0; s < 8; s++) {
                float ds = d * scale(dst, y + 4, s);
                if (ds == 0) continue;
                float dm = dmin * min(dst, y + 4, s);
                for (int i = 0; i < 32; i++) {
                    L[32 * s + i] = Math.max(0, Math.min(15, Bytes.nearestInt((src[x + 32 * s + i] + dm) / ds)));
                }
            }
            for (int c = 0; c < 4; c++) {
                for (int l = 0; l < 32; l++) dst[y + 16 + 32 * c + l] = (byte) (L[64 * c + l] | (L[64 * c + 32 + l] << 4));
            }
        }
    }

    private static int sixBits(float v) {
        return Math.max(0, Math.min(63, Bytes.nearestInt(v)));
    }

    /** The 12 scale bytes: see Q4_KMatrix; sub-blocks 4-7 split their 6 bits over byte s+4 and the top bits of 0-7. */
    private static void packScaleMin(byte[] dst, int at, int s, int ls, int lm) {
        if (s < 4) {
            dst[at + s] |= (byte) ls;
            dst[at + s + 4] |= (byte) lm;
        } else {
            dst[at + s + 4] = (byte) ((ls & 0xF) | ((lm & 0xF) << 4));
            dst[at + s - 4] |= (byte) ((ls >> 4) << 6);
            dst[at + s] |= (byte) ((lm >> 4) << 6);
        }
    }

    private static int scale(byte[] b, int at, int s) {
        return s < 4 ? b[at + s] & 63 : (b[at + s + 4] & 0xF) | (((b[at + s - 4] & 0xff) >> 6) << 4);
    }

    private static int min(byte[] b, int at, int s) {
        return s < 4 ? b[at + s + 4] & 63 : ((b[at + s + 4] & 0xff) >> 4) | (((b[at + s] & 0xff) >> 6) << 4);
    }
}
