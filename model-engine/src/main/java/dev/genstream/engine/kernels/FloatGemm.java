package dev.genstream.engine.kernels;

import jdk.incubator.vector.FloatVector;

/**
 * Dot products of a dequantized weight row with activation vectors, in the one order every weight type's
 * {@code dot} follows: eight-float chunks alternate between accumulators a0 and a1 (an odd last chunk goes to a0),
 * the result is sum(a0 + a1), then any scalar tail is added in index order.
 */
final class FloatGemm {
    private FloatGemm() {}

    static float dot(float[] w, int wOff, float[] x, int xOff, int n) {
        FloatVector a0 = FloatVector.zero(Vec.F), a1 = a0;
        int i = 0;
        for (int end = n - 2 * Vec.LANES; i <= end; i += 2 * Vec.LANES) {
            a0 = FloatVector.fromArray(Vec.F, w, wOff + i).fma(FloatVector.fromArray(Vec.F, x, xOff + i), a0);
            a1 = FloatVector.fromArray(Vec.F, w, wOff + i + 8).fma(FloatVector.fromArray(Vec.F, x, xOff + i + 8), a1);
        }
        if (i <= n - Vec.LANES) {
            a0 = FloatVector.fromArray(Vec.F, w, wOff + i).fma(FloatVector.fromArray(Vec.F, x, xOff + i), a0);
            i += Vec.LANES;
        }
        float[] lanes = new float[Vec.LANES];
        a0.add(a1).intoArray(lanes, 0);
        float sum = Vec.sum(lanes, 0);
        for (; i < n; i++) sum += w[wOff + i] * x[xOff + i];
        return sum;
    }

    /** out[outOff + k*outStride] = w · x[xOff + k*xStride ..] for k = 0..3: each weight load serves four vectors. */
    static void dot4(float[] w, int wOff, float[] x, int xOff, int xStride, int n, float[] out, int outOff, int outStride) {
        int x0 = xOff, x1 = x0 + xStride, x2 = x1 + xStride, x3 = x2 + xStride;
        FloatVector a0 = FloatVector.zero(Vec.F), a1 = a0, b0 = a0, b1 = a0, c0 = a0, c1 = a0, d0 = a0, d1 = a0;
        int i = 0;
        for (int end = n - 2 * Vec.LANES; i <= end; i += 2 * Vec.LANES) {
            FloatVector w0 = FloatVector.fromArray(Vec.F, w, wOff + i), w1 = FloatVector.fromArray(Vec.F, w, wOff + i + 8);
            a0 = w0.fma(FloatVector.fromArray(Vec.F, x, x0 + i), a0);
            a1 = w1.fma(FloatVector.fromArray(Vec.F, x, x0 + i + 8), a1);
            b0 = w0.fma(FloatVector.fromArray(Vec.F, x, x1 + i), b0);
            b1 = w1.fma(FloatVector.fromArray(Vec.F, x, x1 + i + 8), b1);
            c0 = w0.fma(FloatVector.fromArray(Vec.F, x, x2 + i), c0);
            c1 = w1.fma(FloatVector.fromArray(Vec.F, x, x2 + i + 8), c1);
            d0 = w0.fma(FloatVector.fromArray(Vec.F, x, x3 + i), d0);
            d1 = w1.fma(FloatVector.fromArray(Vec.F, x, x3 + i + 8), d1);
        }
        if (i <= n - Vec.LANES || i < n) {
            // Rare (cols not a multiple of 16): finish each vector on the single-vector path's exact order.
            out[outOff] = finish(a0, a1, w, wOff, x, x0, i, n);
            out[outOff + outStride] = finish(b0, b1, w, wOff, x, x1, i, n);
            out[outOff + 2 * outStride] = finish(c0, c1, w, wOff, x, x2, i, n);
            out[outOff + 3 * outStride] = finish(d0, d1, w, wOff, x, x3, i, n);
            return;
        }
        float[] lanes = new float[4 * Vec.LANES];
        a0.add(a1).intoArray(lanes, 0);
        b0.add(b1).intoArray(lanes, 8);
        c0.add(c1).intoArray(lanes, 16);
        d0.add(d1).intoArray(lanes, 24);
        out[outOff] = Vec.sum(lanes, 0);
        out[outOff + outStride] = Vec.sum(lanes, 8);
        out[outOff + 2 * outStride] = Vec.sum(lanes, 16);
        out[outOff + 3 * outStride] = Vec.sum(lanes, 24);
    }

    private static float finish(FloatVector a0, FloatVector a1, float[] w, int wOff, float[] x, int xOff, int i, int n) {
        if (i <= n - Vec.LANES) {
            a0 = FloatVector.fromArray(Vec.F, w, wOff + i).fma(FloatVector.fromArray(Vec.F, x, xOff + i), a0);
            i += Vec.LANES;
        }
        float[] lanes = new float[Vec.LANES];
        a0.add(a1).intoArray(lanes, 0);
        float sum = Vec.sum(lanes, 0);
        for (; i < n; i++) sum += w[wOff + i] * x[xOff + i];
        return sum;
    }
}
