package dev.genstream.engine.kernels;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * Activation vectors quantized as ggml quantizes them for Q8_0/Q4_0 dot products: per 32 values a scale
 * d = amax / 127 and q = x / d rounded half away from zero, in -127..127 (or as its K-quants do, see
 * {@link #quantize}), kept widened to shorts for {@link Int8Gemm}. A vector's quants depend on that vector alone,
 * so batching changes nothing.
 */
final class Q8Activations {
    static final int BLOCK = 32;
    static final int K_BLOCK = 256;

    short[] q = new short[0];
    float[] d = new float[0];
    /** Per block, the sum of its quants (K rule only): Q4_K's min term needs Σx, which is d times this. */
    int[] sums = new int[0];
    int cols;
    int blocks;

    /**
     * Quantizes n vectors of cols values from x[xOff ..]: with k false, by ggml's Q8_0 rule; with k, by its Q8_K
     * rule, which its K-quant dot products use: one scale per 256 values, d = max / -127 where max is the value of
     * largest magnitude, and q = x / d rounded half to even. Every 32-block of a 256-block carries that d, and only
     * the K rule keeps {@link #sums}.
     */
    void quantize(float[] x, int xOff, int n, int cols, boolean k) {
        int group = k ? K_BLOCK : BLOCK;
        if (cols % group != 0) throw new IllegalArgumentException("cols must be a multiple of " + group + ", got " + cols);
        this.cols = cols;
        this.blocks = cols / BLOCK;
        if (q.length < n * cols) q = new short[n * cols];
        if (d.length < n * blocks) {
            d = new float[n * blocks];
            sums = new int[n * blocks];
        }
        if (!k) {
            for (int b = 0; b < n * blocks; b++) d[b] = quantizeBlock(x, xOff + BLOCK * b, q, BLOCK * b);
            return;
        }
        for (int g = 0; g < n * cols; g += K_BLOCK) {
            Arrays.fill(d, g / BLOCK, (g + K_BLOCK) / BLOCK, quantizeK(x, xOff + g, q, g));
        }
        for (int b = 0; b < n * blocks; b++) {
            int sum = 0;
            for (int j = BLOCK * b; j < BLOCK * (b + 1); j++) sum += q[j];
            sums[b] = sum;
        }
    }

    private static float quantizeK(float[] x, int xo, short[] q, int qo) {
        float max = Ops.maxByMagnitude(x, xo, K_BLOCK);
        if (max == 0) {
            Arrays.fill(q, qo, qo + K_BLOCK, (short) 0);
            return 0;
        }
        float iscale = -127f / max;
        for (int j = 0; j < K_BLOCK; j++) q[qo + j] = (short) Math.min(127, (int) Math.rint(iscale * x[xo + j]));
        return 1 / iscale;
    }

    private static float quantizeBlock(float[] x, int xo, short[] q, int qo) {
        FloatVector v0 = FloatVector.fromArray(Vec.F, x, xo), v1 = FloatVector.fromArray(Vec.F, x, xo + 8);
        FloatVector v2 = FloatVector.fromArray(Vec.F, x, xo + 16), v3 = FloatVector.fromArray(Vec.F, x, xo + 24);
        float amax = v0.abs().max(v1.abs()).max(v2.abs().max(v3.abs())).reduceLanes(VectorOperators.MAX);
        float d = amax / 127f, id = d != 0 ? 1f / d : 0f;
        round(v0, id, q, qo);
        round(v1, id, q, qo + 8);
        round(v2, id, q, qo + 16);
        round(v3, id, q, qo + 24);
        return d;
    }

    private static void round(FloatVector v, float id, short[] q, int qo) {
        FloatVector r = v.mul(id);
        VectorMask<Float> neg = r.compare(VectorOperators.LT, 0f);
        FloatVector half = FloatVector.broadcast(Vec.F, 0.5f).blend(-0.5f, neg);
        IntVector i = (IntVector) r.add(half).convert(VectorOperators.F2I, 0);
        ((ShortVector) i.convertShape(VectorOperators.I2S, Vec.S, 0)).intoArray(q, qo);
    }
}
