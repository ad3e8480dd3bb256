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

    @Override
    public float dot(int row, float[] x, int xOff) {
        long base = (long) row * cols * 4;
        FloatVector a0 = FloatVector.zero(Vec.F), a1 = a0, a2 = a0, a3 = a0;
        int i = 0;
        for (int end = cols - 4 * Vec.LANES; i <= end; i += 4 * Vec.LANES) {
            long o = base + 4L * i;
            a0 = FloatVector.fromMemorySegment(Vec.F, data, o, Vec.LE).fma(FloatVector.fromArray(Vec.F, x, xOff + i), a0);
            a1 = FloatVector.fromMemorySegment(Vec.F, data, o + 32, Vec.LE).fma(FloatVector.fromArray(Vec.F, x, xOff + i + 8), a1);
            a2 = FloatVector.fromMemorySegment(Vec.F, data, o + 64, Vec.LE).fma(FloatVector.fromArray(Vec.F, x, xOff + i + 16), a2);
            a3 = FloatVector.fromMemorySegment(Vec.F, data, o + 96, Vec.LE).fma(FloatVector.fromArray(Vec.F, x, xOff + i + 24), a3);
        }
        for (int end = cols - Vec.LANES; i <= end; i += Vec.LANES) {
            a0 = FloatVector.fromMemorySegment(Vec.F, data, base + 4L * i, Vec.LE).fma(FloatVector.fromArray(Vec.F, x, xOff + i), a0);
        }
        float sum = Vec.sum(a0.add(a1).add(a2.add(a3)));
        for (; i < cols; i++) sum += data.get(Vec.FLOAT_LE, base + 4L * i) * x[xOff + i];
        return sum;
    }

    @Override
    public void readRow(int row, float[] dst, int dstOff) {
        long base = (long) row * cols * 4;
        for (int i = 0; i < cols; i++) dst[dstOff + i] = data.get(Vec.FLOAT_LE, base + 4L * i);
    }
}
