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

    @Override
    public float dot(int row, float[] x, int xOff) {
        long base = (long) row * cols * 2;
        FloatVector a0 = FloatVector.zero(Vec.F), a1 = a0;
        int i = 0;
        for (int end = cols - 2 * Vec.LANES; i <= end; i += 2 * Vec.LANES) {
            a0 = Vec.f16x8(data, base + 2L * i).fma(FloatVector.fromArray(Vec.F, x, xOff + i), a0);
            a1 = Vec.f16x8(data, base + 2L * i + 16).fma(FloatVector.fromArray(Vec.F, x, xOff + i + 8), a1);
        }
        for (int end = cols - Vec.LANES; i <= end; i += Vec.LANES) {
            a0 = Vec.f16x8(data, base + 2L * i).fma(FloatVector.fromArray(Vec.F, x, xOff + i), a0);
        }
        float sum = Vec.sum(a0.add(a1));
        for (; i < cols; i++) sum += f16(base + 2L * i) * x[xOff + i];
        return sum;
    }

    private float f16(long offset) {
        return Vec.f16(data, offset);
    }

    @Override
    public void readRow(int row, float[] dst, int dstOff) {
        long base = (long) row * cols * 2;
        for (int i = 0; i < cols; i++) dst[dstOff + i] = f16(base + 2L * i);
    }
}
