package dev.genstream.engine.kernels;

import dev.genstream.engine.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;

final class F16Matrix extends WeightMatrix {
    F16Matrix(String name, MemorySegment data, int rows, int cols) {
        super(name, data, rows, cols);
    }

    @Override
    public GgmlType type() {
        return GgmlType.F16;
    }

    /** {@link FloatGemm}'s order, on the exact float values of the weights. */
    @Override
    public float dot(int row, float[] x, int xOff) {
        long base = (long) row * cols * 2;
        FloatVector a0 = FloatVector.zero(Vec.F), a1 = a0;
        int i = 0;
        for (int end = cols - 2 * Vec.LANES; i <= end; i += 2 * Vec.LANES) {
            a0 = Vec.f16x8(data, base + 2L * i).fma(FloatVector.fromArray(Vec.F, x, xOff + i), a0);
            a1 = Vec.f16x8(data, base + 2L * i + 16).fma(FloatVector.fromArray(Vec.F, x, xOff + i + 8), a1);
        }
        if (i <= cols - Vec.LANES) {
            a0 = Vec.f16x8(data, base + 2L * i).fma(FloatVector.fromArray(Vec.F, x, xOff + i), a0);
            i += Vec.LANES;
        }
        float sum = Vec.sum(a0.add(a1));
        for (; i < cols; i++) sum += f16(base + 2L * i) * x[xOff + i];
        return sum;
    }

    @Override
    void matmulTile(int r0, int r1, float[] x, int n, float[] out) {
        matmulDequantized(r0, r1, x, n, out);
    }

    private float f16(long offset) {
        return Vec.f16(data, offset);
    }

    @Override
    public void readRow(int row, float[] dst, int dstOff) {
        long base = (long) row * cols * 2;
        int i = 0;
        for (; i <= cols - Vec.LANES; i += Vec.LANES) Vec.f16x8(data, base + 2L * i).intoArray(dst, dstOff + i);
        for (; i < cols; i++) dst[dstOff + i] = f16(base + 2L * i);
    }
}
