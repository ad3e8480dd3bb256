package dev.genstream.engine.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * Activation vectors quantized as ggml quantizes them for Q8_0/Q4_0 dot products: per 32 values a scale
 * d = amax / 127 and q = x / d rounded half away from zero, in -127..127, kept widened to shorts for
 * {@link Int8Gemm}. A vector's quants depend on that vector alone, so batching changes nothing.
 */
final class Q8Activations {
    static final int BLOCK = 32;

    short[] q = new short[0];
    float[] d = new float[0];
    int cols;
    int blocks;

    /** Quantizes n vectors of cols values from x[xOff ..]. */
    void quantize(float[] x, int xOff, int n, int cols) {
        if (cols % BLOCK != 0) throw new IllegalArgumentException("cols must be a multiple of 32, got " + cols);
        this.cols = cols;
        this.blocks = cols / BLOCK;
        if (q.length < n * cols) q = new short[n * cols];
        if (d.length < n * blocks) d = new float[n * blocks];
        for (int s = 0; s < n; s++) {
            for (int b = 0; b < blocks; b++) {
                int i = s * cols + b * BLOCK;
                d[s * blocks + b] = quantizeBlock(x, xOff + i, q, i);
            }
        }
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
