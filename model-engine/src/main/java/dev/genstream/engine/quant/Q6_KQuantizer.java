package dev.genstream.engine.quant;

import dev.genstream.engine.gguf.GgmlType;
import dev.genstream.engine.kernels.Ops;

/**
 * Q6_K (quantize_row_q6_K_ref): each 16-value group gets its best scale for q in -32..31, found by a small
 * weighted least-squares search; the 16 scales are then stored as int8 against one f16 super-scale, and every
 * value is re-rounded against the scale it will actually be read with.
 * Layout per 256 values (210 bytes): ql[128] low nibbles, qh[64] high 2 bits, int8 scales[16], f16 d.
 */
final class Q6_KQuantizer implements Quantizer {
    private static final float GROUP_MAX_EPS = 1e-15f;

    @Override
    public GgmlType type() {
        return GgmlType.Q6_K;
    }

    @Override
    public void quantize(float[] src, int srcOff, int n, byte[] dst, int dstOff) {
        Quantizer.checkBlocks(type(), n);
        int[] L = new int[256];
        float[] scales = new float[16];
        for (int b = 0; b < n / 256; b++) {
            int x = srcOff + 256 * b, y = dstOff + 210 * b;
            java.util.Arrays.fill(dst, y, y + 210, (byte) 0);
            float maxScale = 0, maxAbsScale = 0;
            for (int g = 0; g < 16; g++) {
                scales[g] = groupScale(src, x + 16 * g, L, 16 * g);
                if (Math.abs(scales[g]) > maxAbsScale) {
                    maxAbsScale = Math.abs(scales[g]);
                    maxScale = scales[g];
                }
            }
            if (maxAbsScale < GROUP_MAX_EPS) continue; // an all-zero block: zero bytes, d = 0
            float iscale = -128f / maxScale;
            Bytes.f16(dst, y + 208, 1 / iscale);
            float d = Bytes.f16(dst, y + 208);
            for (int g = 0; g < 16; g++) {
                int sc = Math.min(127, Bytes.nearestInt(iscale * scales[g]));
                dst[y + 192 + g] = (byte) sc;
                float dg = d * sc;
                if (dg == 0) continue;
                for (int i = 0; i < 16; i++) {
                    int l = Bytes.nearestInt(src[x + 16 * g + i] / dg);
                    L[16 * g + i] = Math.max(-32, Math.min(31, l)) + 32;
                }
            }
            pack(L, dst, y);
        }
    }

    /** Per 128 values: ql[l] holds l and l+64 (low 4 bits), ql[l+32] holds l+32 and l+96, qh[l] the four top pairs. */
    private static void pack(int[] L, byte[] dst, int y) {
        for (int half = 0; half < 2; half++) {
            int j = 128 * half, ql = y + 64 * half, qh = y + 128 + 32 * half;
            for (int l = 0; l < 32; l++) {
                int q1 = L[j + l], q2 = L[j + l + 32], q3 = L[j + l + 64], q4 = L[j + l + 96];
                dst[ql + l] = (byte) ((q1 & 0xF) | ((q3 & 0xF) << 4));
                dst[ql + l + 32] = (byte) ((q2 & 0xF) | ((q4 & 0xF) << 4));
                dst[qh + l] = (byte) ((q1 >> 4) | ((q2 >> 4) << 2) | ((q3 >> 4) << 4) | ((q4 >> 4) << 6));
            }
        }
    }

    /**
     * ggml's make_qx_quants(16, 32, x, L, rmse_type 1): start from the scale that maps the largest magnitude to
     * -32, then try 18 nearby scales, keeping the one with the best x²-weighted fit. Writes L (0..63).
     */
    static float groupScale(float[] src, int x, int[] L, int lOff) {
        final int n = 16, nmax = 32;
        float max = Ops.maxByMagnitude(src, x, n);
        if (Math.abs(max) < GROUP_MAX_EPS) {
            for (int i = 0; i < n; i++) L[lOff + i] = 0;
            return 0;
        }
        float iscale = -nmax / max;
        float[] sums = fit(src, x, n, nmax, iscale);
        float scale = sums[1] != 0 ? sums[0] / sums[1] : 0;
        float best = scale * sums[0];
        store(src, x, n, nmax, iscale, L, lOff);
        for (int is = -9; is <= 9; is++) {
            if (is == 0) continue;
            float iscaleIs = -(nmax + 0.1f * is) / max;
            float[] s = fit(src, x, n, nmax, iscaleIs);
            if (s[1] > 0 && s[0] * s[0] > best * s[1]) {
                store(src, x, n, nmax, iscaleIs, L, lOff);
                scale = s[0] / s[1];
                best = scale * s[0];
            }
        }
        return scale;
    }

    /** {Σ w·x·l, Σ w·l²} with w = x². */
    private static float[] fit(float[] src, int x, int n, int nmax, float iscale) {
        float sumlx = 0, suml2 = 0;
        for (int i = 0; i < n; i++) {
            float v = src[x + i];
            int l = Math.max(-nmax, Math.min(nmax - 1, Bytes.nearestInt(iscale * v)));
            float w = v * v;
            sumlx += w * v * l;
            suml2 += w * l * l;
        }
        return new float[] {sumlx, suml2};
    }

    private static void store(float[] src, int x, int n, int nmax, float iscale, int[] L, int lOff) {
        for (int i = 0; i < n; i++) {
            L[lOff + i] = nmax + Math.max(-nmax, Math.min(nmax - 1, Bytes.nearestInt(iscale * src[x + i])));
        }
    }
}
