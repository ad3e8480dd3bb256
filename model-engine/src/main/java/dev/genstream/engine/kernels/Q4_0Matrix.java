package dev.genstream.engine.kernels;

import dev.genstream.engine.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Q4_0: blocks of 32 weights, an f16 scale then 16 bytes; byte j holds weight j in its low nibble and
 * weight j+16 in its high nibble, each stored as value+8.
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

    @Override
    public float dot(int row, float[] x, int xOff) {
        long off = (long) row * blocksPerRow * BLOCK_BYTES;
        FloatVector acc = FloatVector.zero(Vec.F);
        for (int b = 0; b < blocksPerRow; b++, off += BLOCK_BYTES, xOff += BLOCK) {
            ByteVector q = ByteVector.fromMemorySegment(Vec.B128, data, off + 2, Vec.LE);
            ByteVector lo = q.and((byte) 0xF).sub((byte) 8);
            ByteVector hi = q.lanewise(VectorOperators.LSHR, 4).sub((byte) 8);
            FloatVector s = ((FloatVector) lo.convertShape(VectorOperators.B2F, Vec.F, 0)).mul(FloatVector.fromArray(Vec.F, x, xOff));
            s = ((FloatVector) lo.convertShape(VectorOperators.B2F, Vec.F, 1)).fma(FloatVector.fromArray(Vec.F, x, xOff + 8), s);
            s = ((FloatVector) hi.convertShape(VectorOperators.B2F, Vec.F, 0)).fma(FloatVector.fromArray(Vec.F, x, xOff + 16), s);
            s = ((FloatVector) hi.convertShape(VectorOperators.B2F, Vec.F, 1)).fma(FloatVector.fromArray(Vec.F, x, xOff + 24), s);
            acc = s.fma(FloatVector.broadcast(Vec.F, Vec.f16(data, off)), acc);
        }
        return Vec.sum(acc);
    }

    @Override
    public void readRow(int row, float[] dst, int dstOff) {
        long off = (long) row * blocksPerRow * BLOCK_BYTES;
        for (int b = 0; b < blocksPerRow; b++, off += BLOCK_BYTES) {
            float d = Vec.f16(data, off);
            for (int j = 0; j < 16; j++) {
                int q = data.get(ValueLayout.JAVA_BYTE, off + 2 + j) & 0xff;
                dst[dstOff + b * BLOCK + j] = d * ((q & 0xF) - 8);
                dst[dstOff + b * BLOCK + j + 16] = d * ((q >> 4) - 8);
            }
        }
    }
}
