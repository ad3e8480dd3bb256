package dev.genstream.engine.kernels;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;

/**
 * Weights stored as 16-bit floats, F16 or BF16. The two differ only in how eight values (or one) widen to float;
 * the dot product, matmul tile and row read are shared.
 */
abstract sealed class HalfMatrix extends WeightMatrix permits F16Matrix, BF16Matrix {
    HalfMatrix(String name, MemorySegment data, int rows, int cols) {
        super(name, data, rows, cols);
    }

    /** Eight values starting at a byte offset, widened to float. */
    abstract FloatVector widen8(long offset);

    /** One value at a byte offset, widened to float. */
    abstract float widen1(long offset);

    /** {@link FloatGemm}'s order, on the exact float values of the weights. */
    @Override
    public float dot(int row, float[] x, int xOff) {
        long base = (long) row * cols * 2;
        FloatVector a0 = FloatVector.zero(Vec.F), a1 = a0;
        int i = 0;
        for (int end = cols - 2 * Vec.LANES; i <= end; i += 2 * Vec.LANES) {
            a0 = widen8(base + 2L * i).fma(FloatVector.fromArray(Vec.F, x, xOff + i), a0);
            a1 = widen8(base + 2L * i + 16).fma(FloatVector.fromArray(Vec.F, x, xOff + i + 8), a1);
        }
        if (i <= cols - Vec.LANES) {
            a0 = widen8(base + 2L * i).fma(FloatVector.fromArray(Vec.F, x, xOff + i), a0);
            i += Vec.LANES;
        }
        float[] lanes = new float[Vec.LANES];
        a0.add(a1).intoArray(lanes, 0);
        float sum = Vec.sum(lanes, 0);
        for (; i < cols; i++) sum += widen1(base + 2L * i) * x[xOff + i];
        return sum;
    }

    @Override
    void matmulTile(int r0, int r1, float[] x, int n, float[] out) {
        matmulDequantized(r0, r1, x, n, out);
    }

    @Override
    public void readRow(int row, float[] dst, int dstOff) {
        long base = (long) row * cols * 2;
        int i = 0;
        for (; i <= cols - Vec.LANES; i += Vec.LANES) widen8(base + 2L * i).intoArray(dst, dstOff + i);
        for (; i < cols; i++) dst[dstOff + i] = widen1(base + 2L * i);
    }
}
