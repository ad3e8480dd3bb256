package dev.genstream.engine.kernels;

import dev.genstream.engine.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.FloatVector;

/** Q8_0: blocks of 32 weights, an f16 scale then 32 signed bytes (34 bytes). */
final class Q8_0Matrix extends WeightMatrix {
    static final int BLOCK = 32;
    static final int BLOCK_BYTES = 34;
    private final int blocksPerRow;

    Q8_0Matrix(String name, MemorySegment data, int rows, int cols) {
        super(name, data, rows, cols);
        this.blocksPerRow = cols / BLOCK;
    }

    @Override
    public GgmlType type() {
        return GgmlType.Q8_0;
    }

    @Override
    public float dot(int row, float[] x, int xOff) {
        long off = (long) row * blocksPerRow * BLOCK_BYTES;
        FloatVector acc = FloatVector.zero(Vec.F);
        for (int b = 0; b < blocksPerRow; b++, off += BLOCK_BYTES, xOff += BLOCK) {
            FloatVector s = Vec.i8x8(data, off + 2).mul(FloatVector.fromArray(Vec.F, x, xOff));
            s = Vec.i8x8(data, off + 10).fma(FloatVector.fromArray(Vec.F, x, xOff + 8), s);
            s = Vec.i8x8(data, off + 18).fma(FloatVector.fromArray(Vec.F, x, xOff + 16), s);
            s = Vec.i8x8(data, off + 26).fma(FloatVector.fromArray(Vec.F, x, xOff + 24), s);
            acc = s.fma(FloatVector.broadcast(Vec.F, Vec.f16(data, off)), acc);
        }
        return Vec.sum(acc);
    }

    @Override
    public void readRow(int row, float[] dst, int dstOff) {
        long off = (long) row * blocksPerRow * BLOCK_BYTES;
        for (int b = 0; b < blocksPerRow; b++, off += BLOCK_BYTES) {
            float d = Vec.f16(data, off);
            for (int j = 0; j < BLOCK; j++) dst[dstOff + b * BLOCK + j] = d * data.get(ValueLayout.JAVA_BYTE, off + 2 + j);
        }
    }
}
