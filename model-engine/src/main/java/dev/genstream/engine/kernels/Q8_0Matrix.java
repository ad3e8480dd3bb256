package dev.genstream.engine.kernels;

import dev.genstream.engine.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;

/**
 * Q8_0: blocks of 32 weights, an f16 scale then 32 signed bytes (34 bytes).
 * dot dequantizes each group of 8 weights (q * d) and follows {@link FloatGemm}'s order, so batched matmul can
 * dequantize a row once and reuse it for every sequence.
 */
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

    private long rowOffset(int row) {
        return (long) row * blocksPerRow * BLOCK_BYTES;
    }

    private FloatVector w(long off, int group, FloatVector d) {
        return Vec.i8x8(data, off + 2 + 8 * group).mul(d);
    }

    private FloatVector scale(long off) {
        return FloatVector.broadcast(Vec.F, Vec.f16(data, off));
    }

    private static FloatVector x(float[] x, int off) {
        return FloatVector.fromArray(Vec.F, x, off);
    }

    @Override
    public float dot(int row, float[] x, int xOff) {
        long off = rowOffset(row);
        FloatVector a0 = FloatVector.zero(Vec.F), a1 = a0;
        for (int b = 0; b < blocksPerRow; b++, off += BLOCK_BYTES, xOff += BLOCK) {
            FloatVector d = scale(off);
            a0 = w(off, 0, d).fma(x(x, xOff), a0);
            a1 = w(off, 1, d).fma(x(x, xOff + 8), a1);
            a0 = w(off, 2, d).fma(x(x, xOff + 16), a0);
            a1 = w(off, 3, d).fma(x(x, xOff + 24), a1);
        }
        return Vec.sum(a0.add(a1));
    }

    @Override
    void matmulTile(int r0, int r1, float[] x, int n, float[] out) {
        matmulDequantized(r0, r1, x, n, out);
    }

    @Override
    public void readRow(int row, float[] dst, int dstOff) {
        long off = rowOffset(row);
        for (int b = 0; b < blocksPerRow; b++, off += BLOCK_BYTES, dstOff += BLOCK) {
            FloatVector d = scale(off);
            for (int g = 0; g < 4; g++) w(off, g, d).intoArray(dst, dstOff + 8 * g);
        }
    }
}
