package dev.genstream.engine.kernels;

import dev.genstream.engine.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Q4_0: blocks of 32 weights, an f16 scale then 16 bytes; byte j holds weight j in its low nibble and
 * weight j+16 in its high nibble, each stored as value+8. dot follows {@link FloatGemm}'s order on (q - 8) * d.
 */
final class Q4_0Matrix extends WeightMatrix {
    static final int BLOCK = 32;
    static final int BLOCK_BYTES = 18;
    private final int blocksPerRow;

    Q4_0Matrix(String name, MemorySegment data, int rows, int cols) {
        super(name, data, rows, cols);
        this.blocksPerRow = cols / BLOCK;
    }

    @Override
    public GgmlType type() {
        return GgmlType.Q4_0;
    }

    /** The block's 32 weights as four vectors of 8, each (q - 8) * d. */
    @Override
    public float dot(int row, float[] x, int xOff) {
        long off = (long) row * blocksPerRow * BLOCK_BYTES;
        FloatVector a0 = FloatVector.zero(Vec.F), a1 = a0;
        for (int b = 0; b < blocksPerRow; b++, off += BLOCK_BYTES, xOff += BLOCK) {
            FloatVector d = FloatVector.broadcast(Vec.F, Vec.f16(data, off));
            ByteVector q = ByteVector.fromMemorySegment(Vec.B128, data, off + 2, Vec.LE);
            ByteVector lo = q.and((byte) 0xF).sub((byte) 8);
            ByteVector hi = q.lanewise(VectorOperators.LSHR, 4).sub((byte) 8);
            a0 = w(lo, 0, d).fma(FloatVector.fromArray(Vec.F, x, xOff), a0);
            a1 = w(lo, 1, d).fma(FloatVector.fromArray(Vec.F, x, xOff + 8), a1);
            a0 = w(hi, 0, d).fma(FloatVector.fromArray(Vec.F, x, xOff + 16), a0);
            a1 = w(hi, 1, d).fma(FloatVector.fromArray(Vec.F, x, xOff + 24), a1);
        }
        return Vec.sum(a0.add(a1));
    }

    private static FloatVector w(ByteVector q, int part, FloatVector d) {
        return ((FloatVector) q.convertShape(VectorOperators.B2F, Vec.F, part)).mul(d);
    }

    @Override
    void matmulTile(int r0, int r1, float[] x, int n, float[] out) {
        matmulDequantized(r0, r1, x, n, out);
    }

    @Override
    public void readRow(int row, float[] dst, int dstOff) {
        long off = (long) row * blocksPerRow * BLOCK_BYTES;
        for (int b = 0; b < blocksPerRow; b++, off += BLOCK_BYTES, dstOff += BLOCK) {
            FloatVector d = FloatVector.broadcast(Vec.F, Vec.f16(data, off));
            ByteVector q = ByteVector.fromMemorySegment(Vec.B128, data, off + 2, Vec.LE);
            ByteVector lo = q.and((byte) 0xF).sub((byte) 8);
            ByteVector hi = q.lanewise(VectorOperators.LSHR, 4).sub((byte) 8);
            w(lo, 0, d).intoArray(dst, dstOff);
            w(lo, 1, d).intoArray(dst, dstOff + 8);
            w(hi, 0, d).intoArray(dst, dstOff + 16);
            w(hi, 1, d).intoArray(dst, dstOff + 24);
        }
    }
}
