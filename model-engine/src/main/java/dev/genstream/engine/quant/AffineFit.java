package dev.genstream.engine.quant;

/**
 * ggml's make_qkx2_quants(32, 15, x, w, L, min, Laux, -1, 0.1, 20, false): x ≈ scale·l - min with l in 0..15
 * and min ≥ 0. Starting from the plain min/max grid, 21 candidate grids are tried; for each, scale and min are
 * the weighted least-squares solution for its levels, and the lowest weighted squared error wins.
 */
record AffineFit(float scale, float min) {
    private static final int N = 32, NMAX = 15, NSTEP = 20;
    private static final float RMIN = -1f, RDELTA = 0.1f;

    /** Fits src[x .. x+32) and writes the chosen levels to L[lOff ..). */
    static AffineFit search(float[] src, int x, float[] w, int[] L, int lOff) {
        float min = src[x], max = src[x];
        float sumW = w[0], sumX = sumW * src[x];
        for (int i = 1; i < N; i++) {
            float v = src[x + i];
            if (v < min) min = v;
            if (v > max) max = v;
            sumW += w[i];
            sumX += w[i] * v;
        }
        if (min > 0) min = 0;
        if (max == min) {
            for (int i = 0; i < N; i++) L[lOff + i] = 0;
            return new AffineFit(0f, -min);
        }
        float iscale = NMAX / (max - min);
        float scale = 1 / iscale;
        float bestError = 0;
        for (int i = 0; i < N; i++) {
            int l = level(iscale * (src[x + i] - min));
            L[lOff + i] = l;
            float diff = scale * l + min - src[x + i];
            bestError += w[i] * diff * diff;
        }
        int[] aux = new int[N];
        for (int is = 0; is <= NSTEP; is++) {
            iscale = (RMIN + RDELTA * is + NMAX) / (max - min);
            float sumL = 0, sumL2 = 0, sumXL = 0;
            for (int i = 0; i < N; i++) {
                int l = level(iscale * (src[x + i] - min));
                aux[i] = l;
                sumL += w[i] * l;
                sumL2 += w[i] * l * l;
                sumXL += w[i] * l * src[x + i];
            }
            float det = sumW * sumL2 - sumL * sumL;
            if (det <= 0) continue;
            float thisScale = (sumW * sumXL - sumX * sumL) / det;
            float thisMin = (sumL2 * sumX - sumL * sumXL) / det;
            if (thisMin > 0) {
                thisMin = 0;
                thisScale = sumXL / sumL2;
            }
            float error = 0;
            for (int i = 0; i < N; i++) {
                float diff = thisScale * aux[i] + thisMin - src[x + i];
                error += w[i] * diff * diff;
            }
            if (error < bestError) {
                System.arraycopy(aux, 0, L, lOff, N);
                bestError = error;
                scale = thisScale;
                min = thisMin;
            }
        }
        return new AffineFit(scale, -min);
    }

    private static int level(float v) {
        return Math.max(0, Math.min(NMAX, Bytes.nearestInt(v)));
    }
}
