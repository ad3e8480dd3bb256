package dev.genstream.engine.kernels;

import dev.genstream.engine.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;

final class F32Matrix extends WeightMatrix {
    F32Matrix(String name, MemorySegment data, int rows, int cols) {
        super(name, data, rows, cols);
    }

    @Override
    public GgmlType type() {
        return GgmlType.F32;
    }

    /** {@link FloatGemm}'s order, on the exact float values of the weights. */
    @Override
    public float dot(int row, float[] x, int xOff) {
        long base = (long) row * cols * 4;
        FloatVector a0 = FloatVector.zero(Vec.F), a1 = a0;
        int i = 0;
        for (int end = cols - 2 * Vec.LANES; i <= end; i += 2 * Vec.LANES) {
            a0 = FloatVector.fromMemorySegment(Vec.F, data, base + 4L * i, Vec.LE).fma(FloatVector.fromArray(Vec.F, x, xOff + i), a0);
            a1 = FloatVector.fromMemorySegment(Vec.F, data, base + 4L * i + 32, Vec.LE).fma(FloatVector.fromArray(Vec.F, x, xOff + i + 8), a1);
        }
        if (i <= cols - Vec.LANES) {
            a0 = FloatVector.fromMemorySegment(Vec.F, data, base + 4L * i, Vec.LE).fma(FloatVector.fromArray(Vec.F, x, xOff + i), a0);
            i += Vec.LANES;
        }
        float[] lanes = new float[Vec.LANES];
        a0.add(a1).intoArray(lanes, 0);
        float sum = Vec.sum(lanes, 0);
        for (; i < cols; i++) sum += data.get(Vec.FLOAT_LE, base + 4L * i) * x[xOff + i];
        return sum;
    }

    @Override
    void matmulTile(int r0, int r1, float[] x, int n, float[] out) {
        matmulDequantized(r0, r1, x, n, out);
    }

    @Override
    public void readRow(int row, float[] dst, int dstOff) {
        long base = (long) row * cols * 4;
        MemorySegment.copy(data, Vec.FLOAT_LE, base, dst, dstOff, cols);
    }
}
